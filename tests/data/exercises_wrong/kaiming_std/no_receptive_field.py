# expect: test_conv_receptive_field
# says: expected
import math


def kaiming_std(weight_shape, mode="fan_in", nonlinearity="relu", a=0.0):
    # The mistake: the fan is the channel count alone, without kh * kw.
    fan = weight_shape[1] if mode == "fan_in" else weight_shape[0]
    gain = {"relu": math.sqrt(2.0), "leaky_relu": math.sqrt(2.0 / (1 + a * a)),
            "linear": 1.0, "tanh": 5.0 / 3}[nonlinearity]
    return gain / math.sqrt(fan)
