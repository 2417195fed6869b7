"""The web pages: server-rendered Django templates over the same selectors and API as everyone else.

`web` itself holds the shell every page shares (base template, styles, scripts, vendored front-end
libraries, i18n) and the buyers' pages; `web.dealers` the dealers' and brokers' console;
`web.analytics` the analysts' dashboard; `web.accounts` the account pages (/accounts/). Roles, tokens
and the sign-in audit live in `platform/accounts`.
"""
