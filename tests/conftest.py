import warnings

# durable_rules 2.0.28 on Python 3.12 warns about datetime.utcfromtimestamp on every action.
warnings.filterwarnings("ignore", message=r".*utcfromtimestamp.*", category=DeprecationWarning)
