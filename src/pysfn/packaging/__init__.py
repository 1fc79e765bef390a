"""gen_lambda: build the dispatcher Lambda package of a workflow module.

``find_local_modules`` (imports.py) says which files of the workflow's directory the Lambda needs;
``build_zip`` (zipper.py) writes them, the runtime and ``handler.py`` (handler.py.tmpl) into a
deterministic zip.
"""

from pysfn.packaging.imports import find_local_modules
from pysfn.packaging.zipper import (PackagingError, build_zip, build_zip_bytes, package_files,
                                    render_handler)

__all__ = ["PackagingError", "build_zip", "build_zip_bytes", "find_local_modules", "package_files",
           "render_handler"]
