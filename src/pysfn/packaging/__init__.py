"""gen_lambda: build the dispatcher Lambda package of a workflow module."""

from pysfn.packaging.imports import find_local_modules
from pysfn.packaging.zipper import build_zip, build_zip_bytes, package_files, render_handler

__all__ = ["build_zip", "build_zip_bytes", "find_local_modules", "package_files", "render_handler"]
