"""Planning the people and companies of the demo network: pages, careers, accounts.

Companies mostly joined early; members join over the last six months, more of them
recently (the growth chart rises and steepens).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.text import slugify

from wagtail_network.models import FieldVisibility, ProfileVisibility

from .. import data
from .chance import Chance
from .records import CompanyPlan, MemberPlan, PositionPlan


def plan_companies(chance: Chance, count: int) -> list[CompanyPlan]:
    """``count`` companies: the named ones of the word lists first, then invented ones."""
    rng = chance.rng
    specs = list(data.COMPANIES[:count])
    used = {slugify(s[0]) for s in specs}
    prefixes, suffixes = data.EXTRA_COMPANY_PARTS
    while len(specs) < count:
        name = rng.choice(prefixes) + rng.choice(suffixes)
        if slugify(name) in used:
            name = f"{name} {rng.choice(['Noord', 'Zuid', 'Oost', 'West', 'UK', 'BE'])}"
        if slugify(name) in used:
            continue
        used.add(slugify(name))
        country = chance.weighted(data.COUNTRY_WEIGHTS)
        city = chance.weighted(data.CITIES[country])
        specs.append((name, rng.randrange(len(data.INDUSTRIES)), city, country, "", []))

    companies = []
    for name, industry_index, city, country, tagline, specialities in specs:
        info = data.INDUSTRIES[industry_index]
        slug = slugify(name)
        size = chance.weighted(data.SIZE_WEIGHTS)
        year = rng.choice([rng.randint(1921, 1999), rng.randint(2000, 2024)])
        speciality_names = specialities or rng.sample(info.skills, 2)
        joined = chance.at(rng.random() ** 2 * 0.8)  # most companies joined early
        description = rng.choice(data.COMPANY_DESCRIPTIONS).format(
            name=name,
            year=year,
            city=city,
            size=size.replace("+", " or more").replace("-", " to "),
            industry_lower=info.name.lower(),
            speciality=", ".join(s.lower() for s in speciality_names),
        )
        page = {
            "title": name,
            "slug": slug,
            "tagline": tagline or f"{info.name} from {city}",
            "description": description,
            "size_range": size,
            "founded_year": year,
            "city": city,
            "country": country,
            "website": f"https://www.{slug}.example/",
            "contact_email": f"hello@{slug}.example",
            "live": True,
            "first_published_at": joined,
            "last_published_at": chance.between(joined),
        }
        companies.append(
            CompanyPlan(
                page=page,
                industry=info.name,
                industry_index=industry_index,
                specialities=speciality_names,
            )
        )
    return companies


def _name(chance: Chance, country: str) -> tuple[str, str]:
    rng = chance.rng
    if country == data.BE:
        return rng.choice(data.BELGIAN_FIRST), rng.choice(data.BELGIAN_LAST)
    english = (country == data.UK) != (rng.random() < 0.12)  # some expats either way
    if english:
        return rng.choice(data.ENGLISH_FIRST), rng.choice(data.ENGLISH_LAST)
    return rng.choice(data.DUTCH_FIRST), rng.choice(data.DUTCH_LAST)


def plan_members(chance: Chance, count: int, companies: list[CompanyPlan]) -> list[MemberPlan]:
    """``count`` member profiles in join order, two of them the demo's Anna and Bram."""
    rng = chance.rng
    n = count
    company_ids = range(len(companies))
    # Join moments: density rises towards now (x = sqrt(u)), sorted so that index
    # order is join order (preferential attachment below relies on it).
    joins = sorted(chance.at(rng.random() ** 0.5) for _ in range(n))
    # The two demo members: Anna joined early (a well-connected member), Bram midway.
    anna_at, bram_at = max(1, n // 20), n // 2
    used_slugs: set[str] = set()
    pull = [data.SIZE_PULL[c.page["size_range"]] for c in companies]
    n_drafts = max(1, n // 150)
    members = []
    for index in range(n):
        if index == anna_at:
            country, city = data.NL, "Amsterdam"
            first, last = "Anna", "Visser"
        elif index == bram_at:
            country, city = data.NL, "Utrecht"
            first, last = "Bram", "de Jong"
        else:
            country = chance.weighted(data.COUNTRY_WEIGHTS)
            city = chance.weighted(data.CITIES[country])
            first, last = _name(chance, country)
        name = f"{first} {last}"
        slug = slugify(name)
        while slug in used_slugs:
            if index in (anna_at, bram_at):
                slug = f"{slugify(name)}-{len(used_slugs)}"
                continue
            first, last = _name(chance, country)
            name = f"{first} {last}"
            slug = slugify(name)
            if slug in used_slugs and rng.random() < 0.3:
                slug = f"{slug}-{rng.randint(2, 99)}"
        used_slugs.add(slug)

        # Career: an industry, a current job (most people) and a few past ones.
        current: int | None = None
        if index == anna_at:
            current = 0
        elif rng.random() < 0.72:
            current = rng.choices(company_ids, pull)[0]
        current_company = companies[current] if current is not None else None
        if current_company is not None and rng.random() < 0.8:
            industry_index = current_company.industry_index
        else:
            industry_index = rng.randrange(len(data.INDUSTRIES))
        info = data.INDUSTRIES[industry_index]
        title = _job_title(chance, rng.choice(info.titles))
        has_job = current_company is not None or rng.random() < 0.75
        free_text_company = None if current_company else rng.choice(data.FREE_TEXT_COMPANIES)
        if not has_job:
            headline = f"{title.strip()} — open to new opportunities"
        elif current_company:
            headline = f"{title} at {current_company.name}"
        else:
            headline = f"{title} · {free_text_company}"

        member_skills = set(rng.sample(info.skills, min(len(info.skills), rng.randint(3, 6))))
        member_skills.update(rng.sample(data.GENERAL_SKILLS, rng.randint(1, 3)))
        if rng.random() < 0.3:
            other = data.INDUSTRIES[rng.randrange(len(data.INDUSTRIES))]
            member_skills.add(rng.choice(other.skills))
        interests = rng.sample(data.INTERESTS, rng.randint(1, 4))
        years = rng.randint(1, 30)

        bio_templates = data.BIOS_NL if country == data.NL and rng.random() < 0.25 else None
        bio = rng.choice(bio_templates or data.BIOS_EN).format(
            title=title,
            title_lower=title.lower(),
            years=years,
            industry_lower=info.name.lower(),
            interest=interests[0],
            skill1=sorted(member_skills)[0],
            skill2=sorted(member_skills)[-1],
            past=rng.choice(companies).name,
            city=city,
        )
        # Every country's number is drawn (the draws stay the same whichever is kept).
        phone = {
            data.NL: f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
            data.UK: f"+44 7700 900{rng.randint(100, 999)}",
            data.BE: f"+32 47{rng.randint(0, 9)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
        }[country]
        domain = current_company.slug if current_company else "mail"
        is_draft = index >= n - n_drafts and index not in (anna_at, bram_at)
        joined = joins[index]
        page = {
            "title": name,
            "slug": slug,
            "headline": headline,
            "bio": bio,
            "city": city,
            "country": country,
            "languages": chance.weighted(data.LANGUAGES[country]),
            "open_to_hiring": rng.random() < (0.35 if "manager" in title.lower() else 0.06),
            "open_to_new_job": not has_job or rng.random() < 0.12,
            "open_to_partnerships": rng.random() < 0.1,
            "open_to_mentoring": years > 8 and rng.random() < 0.3,
            "open_to_advice": rng.random() < 0.2,
            "contact_email": f"{slug.replace('-', '.')}@{domain}.example",
            "contact_phone": phone,
            **_visibilities(chance),
            "live": not is_draft,
            "first_published_at": None if is_draft else joined,
            "last_published_at": None if is_draft else chance.between(joined),
            "latest_revision_created_at": joined,
        }
        if index == anna_at:
            page["profile_visibility"] = ProfileVisibility.PUBLIC
            page["connections_visibility"] = FieldVisibility.MEMBERS
        elif index == bram_at:
            # Bram shows what "members only" looks like: visitors do not find him.
            page["profile_visibility"] = ProfileVisibility.MEMBERS
        photo = rng.random() < 0.85
        members.append(
            MemberPlan(
                page=page,
                industry=info.name,
                first_name=first,
                last_name=last,
                role={anna_at: "anna", bram_at: "bram"}.get(index),
                joined=joined,
                photo=photo,
                skills=sorted(member_skills),
                interests=interests,
                positions=_plan_career(
                    chance, title, info, years, current, free_text_company, has_job, company_ids
                ),
                education=_plan_education(chance, country, info, years),
                links=_plan_links(chance, slug, industry_index),
            )
        )
    return members


def _visibilities(chance: Chance) -> dict[str, str]:
    # Drawn in this order: the profile's, then each field's.
    return {
        "profile_visibility": chance.weighted(
            (
                (ProfileVisibility.PUBLIC, 85),
                (ProfileVisibility.MEMBERS, 10),
                (ProfileVisibility.CONNECTIONS, 5),
            )
        ),
        **{
            name: chance.weighted(tuple(zip(_FIELD_LEVELS, weights, strict=True)))
            for name, weights in _FIELD_VISIBILITY_WEIGHTS
        },
    }


def _job_title(chance: Chance, base: str) -> str:
    """``base`` with a seniority level where one makes sense ("Senior nurse", not
    "Senior CTO")."""
    seniority = chance.rng.choice(data.SENIORITY)
    if not seniority or not any(word in base.lower() for word in data.LEVELLED_ROLES):
        return base
    return seniority + base[0].lower() + base[1:]


def _plan_career(
    chance: Chance, title, info, years, current, free_text_company, has_job, company_ids
) -> list[PositionPlan]:
    rng = chance.rng
    today = chance.now.date()
    career_start = today - timedelta(days=365 * years)
    positions = []
    cursor = today
    if has_job:
        start = max(career_start, today - timedelta(days=rng.randint(60, 365 * 7)))
        positions.append(
            PositionPlan(
                company=current,
                company_name="" if current is not None else free_text_company,
                title=title,
                start_date=start,
                end_date=None,
                is_current=True,
            )
        )
        cursor = start
    else:
        cursor = today - timedelta(days=rng.randint(20, 200))
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        end = cursor - timedelta(days=rng.randint(0, 90))
        if end <= career_start:
            break
        start = max(career_start, end - timedelta(days=rng.randint(200, 365 * 5)))
        at_page = rng.random() < 0.5
        positions.append(
            PositionPlan(
                company=rng.choice(company_ids) if at_page else None,
                company_name="" if at_page else rng.choice(data.FREE_TEXT_COMPANIES),
                title=rng.choice(info.titles),
                start_date=start,
                end_date=end,
                is_current=False,
            )
        )
        cursor = start
    return positions


def _plan_education(chance: Chance, country, info, years) -> list[dict[str, Any]]:
    rng = chance.rng
    if rng.random() < 0.15:
        return []
    end_year = chance.now.year - years
    entries = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        length = rng.randint(3, 5)
        entries.append(
            {
                "school": rng.choice(data.SCHOOLS[country]),
                "degree": rng.choice(data.DEGREES[country]),
                "field_of_study": rng.choice(info.studies),
                "start_year": end_year - length,
                "end_year": end_year,
            }
        )
        end_year -= length
    return entries


def _plan_links(chance: Chance, slug, industry_index) -> list[dict[str, str]]:
    rng = chance.rng
    links = []
    if rng.random() < 0.4:
        links.append({"label": "Website", "url": f"https://{slug}.example/"})
    if industry_index in (0, 1) and rng.random() < 0.6:
        links.append({"label": "Code", "url": f"https://code.example/{slug}"})
    if rng.random() < 0.15:
        links.append({"label": "Blog", "url": f"https://blog.example/{slug}"})
    return links


def plan_accounts(chance: Chance, members: list[MemberPlan]) -> None:
    """Most members get a site account; some profiles wait to be linked, as
    editors may create profiles before a user exists."""
    for member in members:
        if not member.role and chance.rng.random() < 0.9:
            member.own_account = True


def plan_verifications(
    chance: Chance,
    members: list[MemberPlan],
    companies: list[CompanyPlan],
    admin_companies: list[int],
) -> None:
    """Some current jobs at a company page are verified by its admin or an editor."""
    for member in members:
        for position in member.positions:
            if (
                position.company is not None
                and position.is_current
                and member.live
                and chance.rng.random() < 0.45
                and member.role != "anna"  # Anna's claim waits for her company admin
            ):
                company = companies[position.company]
                position.verified_at = chance.between(
                    max(member.joined, company.page["first_published_at"])
                )
                position.verified_by = (
                    "companyadmin" if position.company in admin_companies else "editor"
                )


# The order of the member's field visibilities is the order they are drawn in.
_FIELD_LEVELS = (
    FieldVisibility.PUBLIC,
    FieldVisibility.MEMBERS,
    FieldVisibility.CONNECTIONS,
    FieldVisibility.ONLY_ME,
)
_FIELD_VISIBILITY_WEIGHTS = (
    ("email_visibility", (10, 50, 25, 15)),
    ("phone_visibility", (5, 15, 50, 30)),
    ("connections_visibility", (20, 60, 15, 5)),
    ("positions_visibility", (80, 12, 6, 2)),
)
