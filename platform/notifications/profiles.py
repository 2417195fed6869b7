"""Everything needed to reach a user, loaded for many users at once: preferences, time zone, phone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

from babel.languages import get_official_languages
from django.conf import settings
from django.contrib.auth import get_user_model

from .models import Channel, NotificationPreference
from .quiet_hours import next_allowed, zone


@dataclass
class Profile:
    user_id: int
    email: str = ""
    phone: str = ""
    country: str = ""
    time_zone: str = ""
    whatsapp_enabled: bool = True
    email_enabled: bool = True
    in_app_enabled: bool = True
    whatsapp_opted_out: bool = False
    muted_events: frozenset[str] = field(default_factory=frozenset)
    quiet_hours_enabled: bool = True
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    # The language they chose; blank: their country's (`message_language`).
    language: str = ""

    def wants(self, event_type: str) -> bool:
        return event_type not in self.muted_events

    def push_channels(self) -> list[str]:
        """Channels that interrupt someone (WhatsApp first: buyers live on it), in sending order."""
        channels = []
        if self.whatsapp_enabled and not self.whatsapp_opted_out and self.phone:
            channels.append(Channel.WHATSAPP)
        if self.email_enabled and self.email:
            channels.append(Channel.EMAIL)
        return channels

    def message_language(self) -> str:
        """What their WhatsApp and e-mail messages are written in: the language they chose on the site,
        else the first of ours their country uses officially (CLDR: Côte d'Ivoire, Senegal, Cameroon
        French; Kenya, Nigeria, Ghana English), else the site's default."""
        if self.language:
            return self.language
        ours = [code for code, _ in settings.LANGUAGES]
        if self.country:
            for language in get_official_languages(self.country, de_facto=True):
                if language in ours:
                    return language
        return settings.LANGUAGE_CODE

    def next_allowed(self, when: datetime) -> datetime:
        tz = zone(self.time_zone, settings.NOTIFICATIONS_DEFAULT_TIME_ZONE)
        return next_allowed(when, tz=tz, start=self.quiet_start, end=self.quiet_end, enabled=self.quiet_hours_enabled)


def load_profiles(user_ids: Iterable[int]) -> dict[int, Profile]:
    from buyers.models import Buyer

    ids = set(user_ids)
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", "email")
    profiles = {pk: Profile(user_id=pk, email=email or "") for pk, email in users}
    for user_id, tz, phone, country in Buyer.objects.filter(user_id__in=profiles).values_list(
        "user_id", "time_zone", "phone_e164", "country"
    ):
        profile = profiles[user_id]
        profile.time_zone, profile.phone, profile.country = tz, phone, country
    for pref in NotificationPreference.objects.filter(user_id__in=profiles):
        profile = profiles[pref.user_id]
        profile.whatsapp_enabled = pref.whatsapp_enabled
        profile.email_enabled = pref.email_enabled
        profile.in_app_enabled = pref.in_app_enabled
        profile.whatsapp_opted_out = pref.whatsapp_opted_out_at is not None
        profile.muted_events = frozenset(pref.muted_events)
        profile.quiet_hours_enabled = pref.quiet_hours_enabled
        profile.quiet_start, profile.quiet_end = pref.quiet_start, pref.quiet_end
        profile.language = pref.language
        profile.time_zone = profile.time_zone or pref.time_zone
        profile.phone = profile.phone or pref.phone_e164
    return profiles
