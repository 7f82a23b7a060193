# expect: test_linear_relu
# says: std: expected
import math


def kaiming_std(weight_shape, mode="fan_in", nonlinearity="relu", a=0.0):
    receptive = math.prod(weight_shape[2:]) if len(weight_shape) > 2 else 1
    fan = (weight_shape[1] if mode == "fan_in" else weight_shape[0]) * receptive
    # The mistake: LeCun's 1 / sqrt(fan): no factor sqrt(2) for ReLU.
    return 1 / math.sqrt(fan)
