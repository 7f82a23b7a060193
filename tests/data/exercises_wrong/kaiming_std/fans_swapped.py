# expect: test_linear_relu
# says: expected
import math


def kaiming_std(weight_shape, mode="fan_in", nonlinearity="relu", a=0.0):
    receptive = math.prod(weight_shape[2:]) if len(weight_shape) > 2 else 1
    # The mistake: a Linear's weight is (out, in): fan_in is shape[1], not shape[0].
    fan = (weight_shape[0] if mode == "fan_in" else weight_shape[1]) * receptive
    gain = {"relu": math.sqrt(2.0), "leaky_relu": math.sqrt(2.0 / (1 + a * a)),
            "linear": 1.0, "tanh": 5.0 / 3}[nonlinearity]
    return gain / math.sqrt(fan)
