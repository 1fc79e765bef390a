"""pysfn: write a Step Functions workflow as a Python function.

Workflows import this package as ``import pysfn as PSF``. Only the runtime lives
here (it is copied into every Lambda package); the compiler, the validator, the
packager and the tools are subpackages that are imported on demand.
"""

from pysfn.runtime import *  # noqa: F401,F403 - the public runtime API
from pysfn.runtime import __all__  # noqa: F401

from pysfn import aws  # noqa: E402,F401 - aws.<service>.<method>(...): boto3 natively, a Task compiled

__version__ = "0.1.0"
