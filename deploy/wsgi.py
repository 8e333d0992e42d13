"""The portal as a WSGI application, for gunicorn (or any WSGI server).

The configuration file comes from ``CKAN_INI``, as for the ``ckan`` command;
its logging sections configure the logs.
"""
import logging.config
import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config_path = os.path.abspath(os.environ["CKAN_INI"])
# ckan.cli.load_config would disable the loggers the file does not name,
# gunicorn's own among them (its access log and its worker errors)
logging.config.fileConfig(config_path, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(config_path).get_config())
