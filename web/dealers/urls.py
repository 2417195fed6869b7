"""The dealers' console (/dealer/) and the brokers' pages (/broker/)."""

app_name = "dealers_console"
urlpatterns: list = []
