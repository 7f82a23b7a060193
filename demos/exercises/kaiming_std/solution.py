"""Reference: gain / sqrt(fan); the fan counts the receptive field of a conv."""

import math


def kaiming_std(weight_shape, mode="fan_in", nonlinearity="relu", a=0.0):
    receptive = math.prod(weight_shape[2:]) if len(weight_shape) > 2 else 1
    fan_in, fan_out = weight_shape[1] * receptive, weight_shape[0] * receptive
    fan = fan_in if mode == "fan_in" else fan_out
    gain = {"relu": math.sqrt(2.0), "leaky_relu": math.sqrt(2.0 / (1 + a * a)),
            "linear": 1.0, "tanh": 5.0 / 3}[nonlinearity]
    return gain / math.sqrt(fan)
