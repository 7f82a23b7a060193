# expect: test_gains
# says: std: expected
import math


def kaiming_std(weight_shape, mode="fan_in", nonlinearity="relu", a=0.0):
    receptive = math.prod(weight_shape[2:]) if len(weight_shape) > 2 else 1
    fan = (weight_shape[1] if mode == "fan_in" else weight_shape[0]) * receptive
    # The mistake: the ReLU gain for every nonlinearity.
    return math.sqrt(2.0) / math.sqrt(fan)
