"""Deploy to AWS and run there, with boto3: ``pysfn deploy``, ``pysfn invoke``, ``pysfn history``.

* ``aws.py`` — clients (region, endpoint URL) and AWS errors as one clear line;
* ``deployer.py`` — the dispatcher Lambda, least-privilege roles and the state machine,
  created or updated in place;
* ``executions.py`` — start an execution, wait for it, read the path it took.
"""

from pysfn.deploy.aws import AwsError
from pysfn.deploy.deployer import Deployment, deploy
from pysfn.deploy.executions import Outcome, history, invoke

__all__ = ["AwsError", "Deployment", "deploy", "Outcome", "history", "invoke"]
