"""The sections of the briefing pages, a module a topic: each a function ``(data, scope, key) -> Content |
None`` over the published marts (``page.py``). Their titles, the marts they need, the pages they serve and
their order are declared in ``registry.py``."""
