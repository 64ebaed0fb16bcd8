"""HTML parse mode: follows the rules of tdlib's parse_html (the parser behind the Bot API)."""

from __future__ import annotations

import re

from fakeapi.errors import JSON, EntityParseError

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
# tdlib's is_space also treats the terminating NUL as space; we model "past the end" as 0.
_SPACE_BYTES = frozenset(b" \t\r\n\x0b\x00")
_ENTITY_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_DOMAINISH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}(?:[:/?#].*)?$")


def _decode_entity(b: bytes, pos: int) -> tuple[str, int] | None:
    """Decode an HTML character reference at b[pos] == '&' the way Telegram does, or None."""
    n = len(b)

    def at(i: int) -> int:
        return b[i] if i < n else 0

    end = pos + 1
    if at(end) == ord("#"):
        end += 1
        code = 0
        if at(end) == ord("x"):
            end += 1
            while at(end) and chr(at(end)) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(at(end)), 16)
                end += 1
        else:
            while ord("0") <= at(end) <= ord("9"):
                code = code * 10 + at(end) - ord("0")
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(b[pos + 1 : end])
        if named is None:
            return None
        char = named
    if at(end) == ord(";"):
        end += 1
    return char, end


def _checked_link(url: str) -> str | None:
    """A link Telegram would keep for <a href>, or None (Telegram drops the entity silently)."""
    url = url.strip()
    if not url:
        return None
    scheme, sep, _ = url.partition("://")
    if sep:
        return url if scheme.lower() in {"http", "https", "tg", "ton"} else None
    if _DOMAINISH.match(url):
        return "http://" + url
    return None


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into (plain text, MessageEntity dicts) or raise EntityParseError.

    With strict=True a '&' that doesn't start a recognised character reference is an error too;
    the real server shows it literally, which hides missing html.escape() on echoed user text.
    """
    b = source.encode("utf-8")
    n = len(b)

    def at(i: int) -> int:
        return b[i] if i < n else 0

    out = bytearray()
    utf16 = 0
    entities: list[JSON] = []
    # (tag, argument, utf16 offset at start, byte offset in `out` at start)
    stack: list[tuple[str, str, int, int]] = []
    has_surrogate = False
    i = 0
    while i < n:
        c = b[i]
        if c == ord("&"):
            decoded = _decode_entity(b, i)
            if decoded is not None:
                char, i = decoded
                if 0xD800 <= ord(char) <= 0xDFFF:
                    has_surrogate = True
                    char = "\ufffd"
                out += char.encode("utf-8")
                utf16 += 2 if ord(char) > 0xFFFF else 1
                continue
            if strict:
                raise EntityParseError(
                    f'Character "&" at byte offset {i} is not part of a character reference; '
                    "escape it as &amp; (fake server strict mode)"
                )
        if c != ord("<"):
            if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                utf16 += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            while at(i) not in _SPACE_BYTES and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            tag = b[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while at(i) != ord(">"):
                while at(i) != 0 and at(i) in _SPACE_BYTES:
                    i += 1
                if at(i) == ord(">"):
                    break
                attr_begin = i
                while at(i) not in _SPACE_BYTES and at(i) != ord("=") and at(i) != ord(">"):
                    i += 1
                attr = b[attr_begin:i].decode("utf-8", "replace")
                if not attr:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while at(i) != 0 and at(i) in _SPACE_BYTES:
                    i += 1
                if at(i) != ord("="):
                    if tag == "blockquote" and attr == "expandable":
                        argument = "1"
                        continue
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while at(i) != 0 and at(i) in _SPACE_BYTES:
                    i += 1
                if at(i) == 0:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                value = bytearray()
                if at(i) not in (ord("'"), ord('"')):
                    token_begin = i
                    while chr(at(i)).isascii() and (chr(at(i)).isalnum() or at(i) in b".-"):
                        i += 1
                    value += b[token_begin:i].lower()
                    if at(i) not in _SPACE_BYTES and at(i) != ord(">"):
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    while at(i) != quote and at(i) != 0:
                        if at(i) == ord("&"):
                            decoded = _decode_entity(b, i)
                            if decoded is not None:
                                value += decoded[0].encode("utf-8")
                                i = decoded[1]
                                continue
                        value.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                if at(i) == 0:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
                text_value = value.decode("utf-8", "replace")
                if tag == "a" and attr == "href":
                    argument = text_value
                elif tag == "code" and attr == "class" and text_value.startswith("language-"):
                    argument = text_value[len("language-") :]
                elif tag == "span" and attr == "class" and text_value.startswith("tg-"):
                    argument = text_value[len("tg-") :]
                elif tag == "tg-emoji" and attr == "emoji-id":
                    argument = text_value
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append((tag, argument, utf16, len(out)))
            i += 1  # past '>'
            continue

        # an end tag
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        while at(i) not in _SPACE_BYTES and at(i) != ord(">"):
            i += 1
        end_tag = b[begin + 2 : i].decode("utf-8", "replace").lower()
        while at(i) != 0 and at(i) in _SPACE_BYTES:
            i += 1
        if at(i) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        tag, argument, start, out_start = stack.pop()
        if end_tag and end_tag != tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                f'found "</{end_tag}>"'
            )
        if utf16 > start:
            entity = _entity_for(
                tag, argument, start, utf16 - start, bytes(out[out_start:]), entities
            )
            if entity is not None:
                entities.append(entity)
    if stack:
        raise EntityParseError(f"Can't find end tag corresponding to start tag {stack[-1][0]}")
    if has_surrogate:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"], _ENTITY_PRIORITY.get(e["type"], 50)))
    return out.decode("utf-8"), entities


def _entity_for(
    tag: str, argument: str, offset: int, length: int, inner: bytes, done: list[JSON]
) -> JSON | None:
    """The MessageEntity for a closed tag (may merge <pre><code class> pairs in `done`)."""
    simple = {
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
    }
    if tag in simple:
        return {"type": simple[tag], "offset": offset, "length": length}
    if tag == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    if tag == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        return {
            "type": "custom_emoji",
            "offset": offset,
            "length": length,
            "custom_emoji_id": argument,
        }
    if tag == "a":
        url = _checked_link(argument or inner.decode("utf-8", "replace"))
        if url is None:
            return None
        return {"type": "text_link", "offset": offset, "length": length, "url": url}
    last = done[-1] if done else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    if tag == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            done.pop()
            return {"type": "pre", "offset": offset, "length": length, "language": last["language"]}
        return {"type": "pre", "offset": offset, "length": length}
    # tag == "code"
    if last is not None and same_span and last["type"] == "pre" and argument:
        last["language"] = argument
        return None
    entity: JSON = {"type": "code", "offset": offset, "length": length}
    if argument:
        entity["language"] = argument  # dropped below unless a <pre> claims it
    return entity


def _finish_entities(entities: list[JSON]) -> list[JSON]:
    """Drop the temporary language on plain <code> entities (Telegram does the same)."""
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return entities
