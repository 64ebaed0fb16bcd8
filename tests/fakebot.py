"""Re-exports the fake Bot API server, which now lives in the `fakeapi` package."""

from fakeapi import *  # noqa: F403
from fakeapi import __all__ as _public
from fakeapi.entities import (
    _DOMAINISH,
    _ENTITY_PRIORITY,
    _HTML_TAGS,
    _NAMED_ENTITIES,
    _SPACE_BYTES,
    _checked_link,
    _decode_entity,
    _entity_for,
    _finish_entities,
)
from fakeapi.handler import _Handler, _HTTPServer
from fakeapi.methods import _METHODS, _Method
from fakeapi.models import (
    _buttons_of,
    _CallbackQuery,
    _Chat,
    _File,
    _find_button,
    _image_size,
    _Injection,
    _Msg,
)
from fakeapi.sending import _check_button, _scope_key
from fakeapi.server import _loggable
from fakeapi.wire import (
    _bool_param,
    _decode_body,
    _int_param,
    _json_param,
    _opt_int,
    _parse_multipart,
    _str_param,
)

__all__ = [
    *_public,
    "_DOMAINISH",
    "_ENTITY_PRIORITY",
    "_HTML_TAGS",
    "_METHODS",
    "_NAMED_ENTITIES",
    "_SPACE_BYTES",
    "_CallbackQuery",
    "_Chat",
    "_File",
    "_HTTPServer",
    "_Handler",
    "_Injection",
    "_Method",
    "_Msg",
    "_bool_param",
    "_buttons_of",
    "_check_button",
    "_checked_link",
    "_decode_body",
    "_decode_entity",
    "_entity_for",
    "_find_button",
    "_finish_entities",
    "_image_size",
    "_int_param",
    "_json_param",
    "_loggable",
    "_opt_int",
    "_parse_multipart",
    "_scope_key",
    "_str_param",
]
