"""The Python model-owner host of octoai-fcgi.

octoai-fcgi serves an unchanged octoai-sdk ``Service`` module by running this
package in the user's own interpreter (``python -m octoai_fcgi ...``): it
imports and describes the service, and in ``serve`` mode answers the framed IPC
calls of the Swift responders. ``README.md`` beside this package is the
interface the Swift side relies on.
"""

class HostError(Exception):
    """A start-up problem the user must fix: printed as one ``octoai: ...`` line, exit 1."""
