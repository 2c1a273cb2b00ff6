"""Rotating the key of note text at rest (``casenote keys rotate-text``).

With the key file (``data_dir/text.key``): a new key is made and put first in the file
(the old ones stay readable), every stored text is re-encrypted with it in one
transaction (``api/db/reencrypt.py``, signed notes included), and only then are the old
keys removed from the file. A crash at any point leaves every text readable: before the
commit the file holds the old keys too; after it, the new key reads everything. With
``CASENOTE_TEXT_KEY``, the operator puts the new key first (``2:NEW,1:OLD``), runs the
command, then removes the old entry. Run it while the service is stopped: a running
service keeps the keyring it started with."""

from __future__ import annotations

import getpass
import logging
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.db.reencrypt import reencrypt_all
from api.db.text_cipher import TEXT_KEY_FILE, Keyring, TextCipher, load_keyring, new_key, write_key_file
from models.settings import Settings

logger = logging.getLogger(__name__)


class Rotation(BaseModel):
    key_id: str  # the key every text is now encrypted with
    reencrypted: dict[str, int]  # values per column
    retired: list[str]  # key ids no longer needed (removed from the key file, or to remove from the setting)
    source: str


def rotate_text_key(settings: Settings) -> Rotation:
    keyring = load_keyring(settings, create=False)
    key_file = None if settings.text_key else settings.data_dir / TEXT_KEY_FILE
    if key_file is not None:
        keyring = _with_new_key(keyring, key_file)
    cipher = TextCipher(keyring)
    engine = make_engine(settings, cipher)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            counts = reencrypt_all(connection, cipher)
            with Session(bind=connection) as db:
                record_event(db, None, "rotate_text_key", "database", None, key_id=keyring.current_id,
                             reencrypted=sum(counts.values()), via="cli", os_user=getpass.getuser())
                db.flush()
    finally:
        engine.dispose()
    retired = [key_id for key_id, _ in keyring.keys[1:]]
    if key_file is not None:
        write_key_file(key_file, keyring.keys[:1])  # every text reads with the new key now
    logger.info("text key rotated to %s; %d value(s) re-encrypted", keyring.current_id, sum(counts.values()))
    return Rotation(key_id=keyring.current_id, reencrypted=counts, retired=retired, source=keyring.source)


def _with_new_key(keyring: Keyring, key_file: Path) -> Keyring:
    """A new key first in the file, the old ones after it (still readable)."""
    numbers = [int(key_id) for key_id, _ in keyring.keys if key_id.isdigit()]
    keys = ((str(max(numbers, default=0) + 1), new_key()), *keyring.keys)
    write_key_file(key_file, keys)
    return Keyring(keys, str(key_file))
