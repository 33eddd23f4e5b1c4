"""Where a flow's facts may come from: public NHS, GOV.UK, NHSBSA and charity sites.

A patient acts on what a flow says, so every fact is cited from an official
page (``sources:``). The shipped flows cite only the sites below; ``validate``
warns about any other, so a practice writing its own flows sees it too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

OFFICIAL_DOMAINS: dict[str, str] = {
    "nhs.uk": "the NHS (nhs.uk, NHS England, NHS login, NHSBSA, 111, ICBs, trusts and GP practices)",
    "gov.uk": "GOV.UK and government departments",
}
"""Public-sector domains; any host under them counts (``nhsbsa.nhs.uk``, ``www.gov.uk``)."""

CHARITY_DOMAINS: dict[str, str] = {
    "ageuk.org.uk": "Age UK",
    "birminghammind.org": "Birmingham Mind",
    "citizensadvice.org.uk": "Citizens Advice",
    "crisis.org.uk": "Crisis",
    "doctorsoftheworld.org.uk": "Doctors of the World UK",
    "goodthingsfoundation.org": "Good Things Foundation",
    "groundswell.org.uk": "Groundswell",
    "gypsy-traveller.org": "Friends, Families and Travellers",
    "mencap.org.uk": "Mencap",
    "migranthelpuk.org": "Migrant Help",
    "mind.org.uk": "Mind",
    "redcross.org.uk": "British Red Cross",
    "refugee-action.org.uk": "Refugee Action",
    "rnib.org.uk": "RNIB",
}
"""Registered charities whose pages the flows may cite, and who they are."""


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def source_owner(url: str) -> str | None:
    """Who publishes ``url``, when it is an allowed source; None when it is not."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if urlsplit(url).scheme != "https" or not host:
        return None
    for domain, owner in (*OFFICIAL_DOMAINS.items(), *CHARITY_DOMAINS.items()):
        if _under(host, domain):
            return owner
    return None
