"""The production gunicorn recipe (gunicorn.conf.py), read as gunicorn reads it."""
from pathlib import Path

from gunicorn.app.base import Application

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


class ConfOnly(Application):
    """gunicorn's own loader for a -c file, with no command line and no app."""

    def init(self, parser, opts, args):
        return None

    def load_config(self):
        self.load_config_from_file(str(CONF))

    def load(self):  # pragma: no cover - never run
        raise NotImplementedError


def test_gunicorn_conf_turns_the_shared_control_socket_off_so_two_servers_can_share_a_box():
    config = ConfOnly().cfg

    assert config.control_socket_disable is True
