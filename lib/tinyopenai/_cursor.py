# Cursor: the iterator over a list endpoint's items across pages. Loaded by the first listing.

import sys

from ._errors import const

# message numbers (the texts are in _messages)
_PAGE_BIG = const(51)
_CURSOR_REP = const(52)


# A page is held whole while its items are handed out: past this many items it is refused with a
# typed error (pass a smaller limit=) rather than filling the heap. OpenAI's pages hold at most
# 100 items unless the caller asks for more.
_PAGE_ITEMS = 100 if sys.implementation.name == "micropython" else 100000


class Cursor:
    """All items of a list endpoint, page by page ('after' cursor, 'has_more'), one page held
    at a time. Parameters (limit, order, ...) go into each page's query."""

    def __init__(self, resource, parts, params):
        self._r = resource
        self._parts = parts
        self._params = params
        self._items = []
        self._i = 0
        self._more = True
        self.pages = 0

    def __iter__(self):
        return self

    def __aiter__(self):  # (AsyncOpenAI's listings: `async for`)
        return self

    def __next__(self):
        while True:
            if self._left():
                return self._item()
            if not self._more:
                raise StopIteration
            self._take(self._fetch())

    async def __anext__(self):
        while True:
            if self._left():
                return self._item()
            if not self._more:
                raise StopAsyncIteration
            self._take(await self._fetch())

    def _left(self):
        return self._i < len(self._items)

    def _item(self):
        item = self._items[self._i]
        self._items[self._i] = None  # handed over: let it go
        self._i += 1
        return item

    def _fetch(self):
        # the next page's request: its (items, has_more, last_id), or AsyncOpenAI's coroutine
        return self._r._call("GET", self._parts, dict(self._params), consume=_page)

    def _take(self, page):
        self.pages += 1
        items, more, last = page
        self._items, self._i = items, 0
        # endpoints without has_more (models, files in some versions) are a single page
        self._more = bool(more) and bool(items)
        if self._more:
            if last is None:
                last = items[-1].get("id") if isinstance(items[-1], dict) else None
            if last is None:
                self._more = False
            elif last == self._params.get("after"):  # the same page again: it would never end
                from ._errors import say
                from ._fail import APIResponseValidationError

                self._more = False
                raise APIResponseValidationError(say(_CURSOR_REP, last), 200, {})
            else:
                self._params = dict(self._params, after=last)


def _page(rd, _sink):
    # A list page: only data, has_more and last_id are kept; everything else is skipped.
    items, more, last = [], False, None
    for key in rd.items(0x7B):
        if key == "data":
            for _ in rd.items(0x5B):
                try:
                    if len(items) >= _PAGE_ITEMS:
                        raise MemoryError
                    items.append(rd.load())
                except MemoryError:  # over the cap, or more than this heap holds: a typed error
                    items = None  # freed first: the error's text needs room too
                    from ._errors import say
                    from ._fail import APIResponseValidationError

                    raise APIResponseValidationError(say(_PAGE_BIG, _PAGE_ITEMS), 200, {})
        elif key == "has_more":
            more = rd.load()
        elif key == "last_id":
            last = rd.load()
        else:
            rd.skip()
    return items, more, last
