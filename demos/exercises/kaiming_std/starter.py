"""Kaiming (He) initialization: the standard deviation that keeps activations' variance constant.

Implement `kaiming_std` with the math module only (not torch.nn.init).
"""


def kaiming_std(weight_shape: tuple, mode: str = "fan_in", nonlinearity: str = "relu", a: float = 0.0) -> float:
    """The std that torch.nn.init.kaiming_normal_(w, a, mode, nonlinearity) draws w with.

    weight_shape: (out_features, in_features) for a Linear, (C_out, C_in, kh, kw) for a Conv2d.
    mode: "fan_in" (keeps the variance of the forward pass) or "fan_out" (of the backward pass).
    nonlinearity: "relu", "leaky_relu" (with negative slope a), "linear" or "tanh".
    Returns std = gain / sqrt(fan), with PyTorch's gains and fans.
    """
    raise NotImplementedError
