"""Errors an export or a delivery reports to the person who asked for it."""

from __future__ import annotations

from pipeline.errors import CasenoteError


class ExportError(CasenoteError):
    code = "export_error"


class UnknownFormat(ExportError):
    code = "unknown_export_format"


class UnknownPreset(ExportError):
    code = "unknown_export_preset"


class PresetInvalid(ExportError):
    code = "bad_export_preset"


class NotExportable(ExportError):
    """The note cannot be expressed in this format (e.g. census rules broken)."""

    code = "not_exportable"


class ExportSetupError(ExportError):
    """Something the deployment must provide is missing (a font, a schema file)."""

    code = "export_setup"


class ConnectorConfigError(CasenoteError):
    code = "bad_connector_config"
