# The traceback of a chain: a KeyError converted with 'raise ... from e'
# while a ZeroDivisionError is being handled: context, then cause.
def g():
    try:
        {}['missing']
    except KeyError as e:
        raise ValueError('converted') from e
def h():
    try:
        1 / 0
    except ZeroDivisionError:
        g()
h()
