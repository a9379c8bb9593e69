"""Word lists the demo network is generated from.

Everything here is invented: company names, people and their careers are drawn from
these lists by a seeded random generator, so every run builds the same network and
nothing is downloaded. Domains use the reserved ``.example`` TLD (RFC 2606) and UK
phone numbers the Ofcom drama range, so no link or number points at a real party.

The texts are demo content, not UI strings, and are deliberately not translated.
"""

from __future__ import annotations

from typing import NamedTuple

NL, UK, BE = "Netherlands", "United Kingdom", "Belgium"

#: Cities per country with a relative weight (bigger cities get more people).
CITIES: dict[str, list[tuple[str, int]]] = {
    NL: [
        ("Amsterdam", 20),
        ("Rotterdam", 12),
        ("Utrecht", 12),
        ("Den Haag", 9),
        ("Eindhoven", 8),
        ("Groningen", 6),
        ("Leiden", 4),
        ("Delft", 4),
        ("Haarlem", 4),
        ("Arnhem", 3),
        ("Nijmegen", 3),
        ("Zwolle", 3),
        ("Maastricht", 3),
    ],
    UK: [
        ("London", 20),
        ("Manchester", 7),
        ("Bristol", 5),
        ("Edinburgh", 5),
        ("Leeds", 4),
        ("Cambridge", 3),
        ("Birmingham", 4),
        ("Glasgow", 3),
    ],
    BE: [("Brussels", 8), ("Antwerp", 7), ("Ghent", 6), ("Leuven", 4), ("Liège", 2)],
}

#: Share of members per country.
COUNTRY_WEIGHTS = [(NL, 60), (UK, 25), (BE, 15)]

LANGUAGES: dict[str, list[tuple[str, int]]] = {
    NL: [("Dutch, English", 10), ("Dutch, English, German", 4), ("Dutch, English, French", 2)],
    UK: [("English", 10), ("English, French", 3), ("English, Spanish", 2), ("English, Dutch", 1)],
    BE: [("Dutch, French, English", 8), ("French, English", 3), ("Dutch, English", 3)],
}

DUTCH_FIRST = (
    "Anna Sanne Lotte Emma Fleur Iris Julia Sophie Eva Lisa Noor Femke Marloes Annemijn "
    "Inge Esther Karin Marieke Romy Tessa Lieke Maaike Anouk Floor Merel Yara Sara Nina "
    "Bram Daan Sem Lucas Thijs Jeroen Joost Maarten Pieter Ruben Sander Stijn Tim Wouter "
    "Niels Koen Bas Jasper Martijn Rutger Hidde Gijs Floris Teun Jelle Reinier Mees Sven"
).split()
DUTCH_LAST = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
    "de Jong",
    "Kramer",
    "Postma",
    "Wijnands",
]
ENGLISH_FIRST = (
    "Olivia Amelia Isla Ava Mia Grace Sophie Emily Charlotte Lucy Hannah Chloe Ella Holly "
    "Freya Alice Priya Aisha Zara Megan Oliver George Harry Jack Jacob Charlie Thomas Oscar "
    "James William Henry Alfie Joshua Samuel Daniel Arjun Omar Callum Rhys Ewan Finlay"
).split()
ENGLISH_LAST = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Hughes Edwards Lewis "
    "Turner Hill Moore Cooper Ward Morris King Harris Baker Campbell MacDonald Stewart Murray "
    "Fraser Kaur"
).split()
BELGIAN_FIRST = (
    "Lotte Elke Lien Hanne Marie Camille Amélie Chloé Louise Manon Julie Ines Wout Jef "
    "Pieter-Jan Thibault Lucas Arne Seppe Mathias Brecht Kobe Maxime Théo Nathan Louis"
).split()
BELGIAN_LAST = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Vermeersch",
    "Van Damme",
    "De Backer",
    "Verstraete",
    "Lemaire",
    "Desmet",
    "Van den Bossche",
]


class IndustryInfo(NamedTuple):
    name: str
    titles: list[str]
    skills: list[str]
    studies: list[str]


#: About a dozen industries, each with the job titles and skills that go with it.
INDUSTRIES: list[IndustryInfo] = [
    IndustryInfo(
        "Software & IT",
        [
            "Software engineer",
            "Backend developer",
            "Frontend developer",
            "Engineering manager",
            "DevOps engineer",
            "Data engineer",
            "CTO",
            "Solutions architect",
        ],
        [
            "Python",
            "Django",
            "Wagtail",
            "JavaScript",
            "TypeScript",
            "React",
            "GraphQL",
            "PostgreSQL",
            "DevOps",
            "Kubernetes",
            "Cloud architecture",
            "Cybersecurity",
        ],
        ["Computer Science", "Software Engineering", "Information Science"],
    ),
    IndustryInfo(
        "Data & AI",
        ["Data scientist", "Machine learning engineer", "Data analyst", "Head of data"],
        ["Python", "Machine learning", "Data analysis", "Statistics", "PostgreSQL", "Research"],
        ["Data Science", "Artificial Intelligence", "Econometrics", "Mathematics"],
    ),
    IndustryInfo(
        "Financial services",
        ["Financial controller", "Risk analyst", "Accountant", "CFO", "Compliance officer"],
        ["Financial modelling", "Accounting", "Controlling", "Risk management", "Compliance"],
        ["Finance", "Accountancy", "Economics", "Business Economics"],
    ),
    IndustryInfo(
        "Logistics & transport",
        ["Logistics planner", "Supply chain manager", "Fleet manager", "Procurement lead"],
        ["Supply chain management", "Logistics planning", "Procurement", "Negotiation"],
        ["Logistics", "Industrial Engineering", "International Business"],
    ),
    IndustryInfo(
        "Energy & sustainability",
        ["Energy consultant", "Sustainability manager", "Project engineer", "Grid analyst"],
        [
            "Energy transition",
            "Sustainability reporting",
            "Circular economy",
            "Electrical engineering",
            "Project management",
        ],
        ["Sustainable Energy Technology", "Environmental Sciences", "Electrical Engineering"],
    ),
    IndustryInfo(
        "Healthcare",
        ["Nurse", "Healthcare manager", "Physiotherapist", "Clinical researcher", "GP"],
        ["Healthcare management", "Nursing", "Research", "Quality assurance", "Coaching"],
        ["Medicine", "Nursing", "Health Sciences", "Biomedical Sciences"],
    ),
    IndustryInfo(
        "Education",
        ["Teacher", "Lecturer", "Curriculum designer", "School director", "Researcher"],
        ["Teaching", "Curriculum design", "Research", "Public speaking", "Mentoring"],
        ["Pedagogy", "Educational Sciences", "History", "Linguistics"],
    ),
    IndustryInfo(
        "Creative & media",
        ["Designer", "Art director", "Copywriter", "Video producer", "Photographer"],
        [
            "UX design",
            "UI design",
            "Copywriting",
            "Photography",
            "Video production",
            "Brand strategy",
        ],
        ["Graphic Design", "Communication and Multimedia Design", "Journalism", "Fine Art"],
    ),
    IndustryInfo(
        "Marketing & sales",
        ["Marketing manager", "Growth marketer", "Account manager", "Sales director"],
        [
            "Marketing",
            "SEO",
            "Content strategy",
            "Sales",
            "Account management",
            "Customer success",
        ],
        ["Marketing", "Communication Science", "Commercial Economics"],
    ),
    IndustryInfo(
        "Consulting",
        ["Management consultant", "Agile coach", "Business analyst", "Partner"],
        [
            "Agile coaching",
            "Scrum",
            "Project management",
            "Product management",
            "Leadership",
            "Negotiation",
        ],
        ["Business Administration", "Strategic Management", "Organisation Studies"],
    ),
    IndustryInfo(
        "Manufacturing",
        ["Production manager", "Mechanical engineer", "Quality engineer", "Plant manager"],
        [
            "Lean manufacturing",
            "Quality assurance",
            "Mechanical engineering",
            "Electrical engineering",
            "Procurement",
        ],
        ["Mechanical Engineering", "Industrial Design", "Mechatronics"],
    ),
    IndustryInfo(
        "Government & non-profit",
        ["Policy advisor", "Programme manager", "Community manager", "Legal counsel"],
        ["GDPR", "Contract law", "Public speaking", "Event management", "Project management"],
        ["Public Administration", "Law", "Political Science", "Sociology"],
    ),
]

#: Skills anybody might list, whatever their industry.
GENERAL_SKILLS = [
    "Leadership",
    "People management",
    "Recruitment",
    "HR policy",
    "Coaching",
    "Mentoring",
    "Public speaking",
    "Project management",
    "Product management",
    "Negotiation",
    "Event management",
    "Customer success",
]


def all_skills() -> list[str]:
    """The skill vocabulary (about 60 names), in a stable order."""
    seen: dict[str, None] = {}
    for info in INDUSTRIES:
        for skill in info.skills:
            seen.setdefault(skill)
    for skill in GENERAL_SKILLS:
        seen.setdefault(skill)
    return list(seen)


INTERESTS = [
    "cycling",
    "open source",
    "sailing",
    "hockey",
    "photography",
    "urban gardening",
    "jazz",
    "board games",
    "running",
    "climate",
    "AI ethics",
    "architecture",
    "cooking",
    "football",
    "chess",
    "travel",
    "volunteering",
    "startups",
    "design systems",
    "podcasts",
    "reading",
    "tennis",
    "hiking",
    "festivals",
    "speciality coffee",
    "modern art",
    "languages",
    "diversity and inclusion",
    "public transport",
    "woodworking",
]

SENIORITY = ["", "", "", "Junior ", "Senior ", "Senior ", "Lead ", "Principal "]
#: Job titles (by a word in them) that take a seniority level.
LEVELLED_ROLES = (
    "engineer",
    "developer",
    "designer",
    "analyst",
    "scientist",
    "accountant",
    "nurse",
    "lecturer",
    "planner",
    "advisor",
    "consultant",
    "copywriter",
    "marketer",
    "architect",
    "researcher",
)

#: Companies people worked at that have no page in the network.
FREE_TEXT_COMPANIES = [
    "Freelance",
    "Self-employed",
    "Zelfstandig ondernemer",
    "Gemeente Amsterdam",
    "NHS",
    "Rijkswaterstaat",
    "Hogeschool Rotterdam",
    "Vlaamse Overheid",
    "Stichting Open Kennis",
    "BBC Studios",
    "Kruidvat",
    "Proximus",
    "a start-up in stealth mode",
]

SCHOOLS: dict[str, list[str]] = {
    NL: [
        "Universiteit van Amsterdam",
        "Vrije Universiteit Amsterdam",
        "TU Delft",
        "Universiteit Utrecht",
        "Erasmus Universiteit Rotterdam",
        "Rijksuniversiteit Groningen",
        "Universiteit Leiden",
        "TU Eindhoven",
        "Radboud Universiteit",
        "Hogeschool van Amsterdam",
        "Hogeschool Utrecht",
        "Fontys Hogescholen",
        "Hanzehogeschool Groningen",
    ],
    UK: [
        "University of Manchester",
        "University of Edinburgh",
        "University of Bristol",
        "University College London",
        "King's College London",
        "University of Leeds",
        "University of Cambridge",
        "University of Glasgow",
    ],
    BE: [
        "KU Leuven",
        "Universiteit Gent",
        "Université libre de Bruxelles",
        "Universiteit Antwerpen",
        "Vrije Universiteit Brussel",
    ],
}
DEGREES: dict[str, list[str]] = {
    NL: ["BSc", "MSc", "BA", "MA", "HBO Bachelor", "PhD"],
    UK: ["BSc", "MSc", "BA", "MA", "MBA", "PhD"],
    BE: ["Bachelor", "Master", "Master", "PhD"],
}

#: (name, industry index, city, country, tagline, specialities). Enough for the default
#: 48 companies; larger networks add generated names.
COMPANIES: list[tuple[str, int, str, str, str, list[str]]] = [
    ("Grachtwerk", 0, "Amsterdam", NL, "Websites that last", ["Wagtail", "Django", "hosting"]),
    ("Polderlicht Energie", 4, "Groningen", NL, "Solar for every roof", ["solar", "batteries"]),
    ("Bright Harbour Analytics", 1, "Bristol", UK, "Numbers you can act on", ["forecasting"]),
    ("Dijkstra & De Wit Advocaten", 11, "Den Haag", NL, "Privacy law, plainly", ["GDPR"]),
    ("Tulpdata", 1, "Utrecht", NL, "Data platforms for Dutch SMEs", ["data warehouses"]),
    ("Kademaker Logistiek", 3, "Rotterdam", NL, "From port to door", ["port logistics"]),
    ("Northern Lantern Studio", 7, "Manchester", UK, "Stories, designed", ["branding", "film"]),
    ("Fietsfabriek Zwolle", 10, "Zwolle", NL, "Cargo bikes, built to carry", ["e-bikes"]),
    ("Scheldeport Shipping", 3, "Antwerp", BE, "Short-sea shipping", ["containers"]),
    ("ZorgSamen", 5, "Utrecht", NL, "Care at home, together", ["home care", "nursing"]),
    ("Leeuwenhoek Labs", 5, "Leiden", NL, "Clinical research partner", ["clinical trials"]),
    ("Thistle Cloud", 0, "Edinburgh", UK, "Cloud you can reason about", ["Kubernetes"]),
    ("Brabant Robotics", 10, "Eindhoven", NL, "Automation for the factory floor", ["robots"]),
    ("Het Leerhuis", 6, "Nijmegen", NL, "Learning that sticks", ["e-learning", "MBO"]),
    ("Kingsway Capital", 2, "London", UK, "Patient capital for scale-ups", ["venture"]),
    ("Spaarne Finance", 2, "Haarlem", NL, "Finance teams on demand", ["interim CFO"]),
    ("Wolkenkrabber Architecten", 7, "Rotterdam", NL, "Buildings that breathe", ["timber"]),
    ("Gentse Groene Stroom", 4, "Ghent", BE, "Cooperative green power", ["wind", "co-op"]),
    ("Maasvlakte Engineering", 10, "Rotterdam", NL, "Heavy engineering, precisely", ["steel"]),
    ("Blue Fern Digital", 8, "London", UK, "Growth marketing for B2B", ["SEO", "content"]),
    ("Rivierland Consultancy", 9, "Arnhem", NL, "Change that lands", ["agile", "lean"]),
    ("Atelier Noorderzon", 7, "Groningen", NL, "Design for culture", ["exhibitions"]),
    ("Cambridge Quanta", 1, "Cambridge", UK, "Applied machine learning", ["NLP", "vision"]),
    ("Leuven Health Tech", 5, "Leuven", BE, "Medical devices, tested", ["MedTech"]),
    ("Dommel Software", 0, "Eindhoven", NL, "Embedded and web software", ["embedded", "IoT"]),
    ("Singelsoft", 0, "Amsterdam", NL, "Product teams for hire", ["React", "Python"]),
    ("Clyde & Forth Consulting", 9, "Glasgow", UK, "Strategy for the public sector", []),
    ("Bruxelles Policy Lab", 11, "Brussels", BE, "Evidence for EU policy", ["EU affairs"]),
    ("Hanze Hosting", 0, "Groningen", NL, "Green data centres in the north", ["hosting"]),
    ("Vondel Media", 7, "Amsterdam", NL, "Podcasts and video", ["podcasts", "video"]),
    ("Pennine Freight", 3, "Leeds", UK, "Road freight across the north", ["haulage"]),
    ("Koffiebrander De Boer", 8, "Utrecht", NL, "Roasters since 1921", ["coffee", "retail"]),
    ("Stroomversnelling", 4, "Utrecht", NL, "Charging for fleets", ["EV charging"]),
    ("Mercia Manufacturing", 10, "Birmingham", UK, "Precision parts since 1962", ["CNC"]),
    ("Delfts Blauw Design", 7, "Delft", NL, "Interfaces people enjoy", ["UX", "research"]),
    ("Wadden Wetenschap", 6, "Leeuwarden", NL, "Science education outdoors", ["nature"]),
    ("Antwerp Diamond Data", 1, "Antwerp", BE, "Trade analytics", ["trade data"]),
    ("Meuse Valley Systems", 10, "Liège", BE, "Industrial control systems", ["PLC"]),
    ("Oosterdok Ventures", 2, "Amsterdam", NL, "Backing climate founders", ["climate tech"]),
    ("Sterk Onderwijs", 6, "Amsterdam", NL, "Schools that work", ["primary schools"]),
    ("Thames Compliance", 2, "London", UK, "Regulation, made workable", ["AML", "KYC"]),
    ("Lindenhof Zorggroep", 5, "Maastricht", NL, "Care for the elderly", ["elderly care"]),
    ("Veluwe Outdoor Marketing", 8, "Arnhem", NL, "Brands people remember", ["campaigns"]),
    ("Kempen Kunststof", 10, "Eindhoven", NL, "Recycled plastics, engineered", ["recycling"]),
    ("Avon Software Guild", 0, "Bristol", UK, "A co-op of developers", ["Django", "co-op"]),
    ("Stadshart Gemeentezaken", 11, "Zwolle", NL, "Digital services for councils", []),
    ("Gravensteen Events", 11, "Ghent", BE, "Conferences with a conscience", ["events"]),
    ("Noordzee Wind Services", 4, "Den Haag", NL, "Offshore wind maintenance", ["offshore"]),
]

#: Word parts for companies beyond the named list (``--companies`` larger than 48).
EXTRA_COMPANY_PARTS = (
    ["Dijk", "Molen", "Haven", "Brug", "Veld", "Duin", "Kanaal", "Bridge", "Harbour", "Ridge"],
    ["werk", "stad", "lab", "hub", " Works", " Partners", " Group", " Collective", " & Co"],
)

SIZE_WEIGHTS = [
    ("2-10", 14),
    ("11-50", 20),
    ("51-200", 16),
    ("201-500", 8),
    ("501-1000", 4),
    ("1001-5000", 3),
    ("5001+", 1),
]
#: How strongly a company's size draws employees from the member pool.
SIZE_PULL = {
    "1": 1,
    "2-10": 1,
    "11-50": 2,
    "51-200": 4,
    "201-500": 6,
    "501-1000": 8,
    "1001-5000": 10,
    "5001+": 12,
}

COMPANY_DESCRIPTIONS = [
    "<p>{name} was founded in {year} in {city}. Today a team of {size} people works on "
    "{speciality} for customers across the Netherlands, Belgium and the UK.</p>",
    "<p>At {name} we believe in doing fewer things, better. Since {year} we have "
    "helped organisations in {industry_lower} with {speciality}.</p><p>We are always "
    "looking for curious colleagues.</p>",
    "<p>{name} ({city}, est. {year}) is an independent company in {industry_lower}. "
    "Our specialities: {speciality}.</p>",
]

BIOS_EN = [
    "<p>{title} with {years} years of experience in {industry_lower}. I care about "
    "{interest} and about teams that learn in public.</p>",
    "<p>I help organisations with {skill1} and {skill2}. Before that I worked at "
    "{past}. Outside work: {interest}.</p>",
    "<p>Based in {city}. {years} years in {industry_lower}, currently focused on "
    "{skill1}. Happy to talk about {interest}.</p>",
    "<p>Curious {title_lower} who likes hard problems and plain language. "
    "Ask me about {skill1} or {interest}.</p>",
]
BIOS_NL = [
    "<p>{title} met {years} jaar ervaring. Ik werk graag aan {skill1} en in mijn vrije "
    "tijd houd ik van {interest}.</p>",
    "<p>Vanuit {city} help ik organisaties met {skill1} en {skill2}. Eerder werkte ik "
    "bij {past}.</p>",
]

INVITATION_MESSAGES = [
    "Hi {first}, great meeting you at the meetup last week. Let's stay in touch!",
    "Hoi {first}, leuk je gesproken te hebben. Zullen we connecten?",
    "Hello {first}, I enjoyed your talk on {skill}. I'd like to add you to my network.",
    "",
    "",
]

RECOMMENDATION_TEXTS = [
    "{first} is one of the most reliable colleagues I have worked with. Their {skill} "
    "skills made a real difference to our project, and they were always generous with "
    "their time.",
    "I worked with {first} for two years. {first} combines deep knowledge of {skill} "
    "with a calm, friendly way of working. Any team would be lucky to have them.",
    "{first} mentored me when I started out. Patient, honest and very good at {skill}. "
    "Highly recommended.",
    "Ik heb met veel plezier met {first} samengewerkt. Sterk in {skill} en altijd "
    "bereid om mee te denken.",
]

REPORT_DETAILS = {
    "fake": "This profile uses a stock photo and claims positions at companies that "
    "deny knowing them.",
    "spam": "The recommendation text is an advertisement for a training course.",
    "inappropriate": "The headline contains an offensive joke.",
}
