"""One delivery attempt of one note to one connector, whatever its kind."""

from __future__ import annotations

from api.delivery import drop_folder, http_post
from api.delivery.config import DropFolderConnector, HttpConnector
from api.delivery.outcome import AttemptOutcome
from models.record import ConfirmedNote
from models.settings import Settings


def attempt_delivery(note: ConfirmedNote, connector: DropFolderConnector | HttpConnector,
                     settings: Settings) -> AttemptOutcome:
    if isinstance(connector, DropFolderConnector):
        return drop_folder.deliver(note, connector, settings)
    return http_post.deliver(note, connector, settings)
