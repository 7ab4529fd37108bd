"""The benchmark data to generate, worked out in memory (no database).

:class:`Plan` draws 20,000 customers (by default) and 100,000 open invoices
from a seeded random generator: the same options always give the same plan.
Customers are companies and consumers, French and foreign, with the default
typologies, some without email, some with an invalid phone number or an
incomplete address, some with a collection contact, a few with reminders
paused. Invoices carry their dates as offsets (days overdue, day of the last
reminder) from the day the data describe, so the same plan can be laid
again on a later day (see ``bench_data.refresh``).
"""

import math
import random

#: Typology codes (default data) and their share of the customers; ``None``:
#: no typology (the company's default scenario applies).
TYPOLOGIES = [
    ("standard", 45),
    ("occasional", 12),
    ("premium", 10),
    ("key_account", 4),
    ("late_payer", 15),
    ("at_risk", 6),
    (None, 8),
]
#: How many invoices a customer of each typology has, relatively.
INVOICE_WEIGHT = {
    "standard": 2.0,
    "occasional": 0.3,
    "premium": 4.0,
    "key_account": 8.0,
    "late_payer": 3.0,
    "at_risk": 2.0,
    None: 1.0,
}
#: Delays (days after the due date) of the levels 0-3 of the default scenarios.
SCENARIO_DELAYS = {
    "standard": (-5, 5, 15, 30),
    "premium": (-5, 10, 25, 45),
    "late_payer": (-5, 1, 7, 15),
}
SCENARIO_OF = {
    "premium": "premium",
    "key_account": "premium",
    "late_payer": "late_payer",
    "at_risk": "late_payer",
}
COMPANY_KINDS = [
    "Boulangerie",
    "Garage",
    "Cabinet",
    "Transports",
    "Menuiserie",
    "Pharmacie",
    "Hôtel",
    "Imprimerie",
    "Librairie",
    "Plomberie",
    "Restaurant",
    "Atelier",
    "Fromagerie",
    "Électricité",
    "Paysages",
    "Bureau d'études",
]
COMPANY_FORMS = ["SARL", "SAS", "SA", "EURL", "SNC", ""]
FIRST_NAMES = [
    "Camille",
    "Louis",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Jules",
    "Inès",
    "Arthur",
    "Sarah",
    "Paul",
    "Emma",
    "Gabriel",
    "Jeanne",
    "Nathan",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
]
CITIES = [
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13006", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("34000", "Montpellier"),
    ("21000", "Dijon"),
    ("37000", "Tours"),
]
FOREIGN = {
    # country: (share among foreign customers, mobile prefix, digits, city)
    "BE": (40, "+32 47", 7, ("1000", "Bruxelles")),
    "DE": (25, "+49 151 ", 8, ("10115", "Berlin")),
    "ES": (20, "+34 6", 8, ("28001", "Madrid")),
    "IT": (15, "+39 34", 8, ("20121", "Milano")),
}

#: French mobile ranges in service (phonenumbers): 06 but 063 and 069, 073-079.
MOBILE_RANGES = [
    "60",
    "61",
    "62",
    "64",
    "65",
    "66",
    "67",
    "68",
    "73",
    "74",
    "75",
    "76",
    "77",
    "78",
    "79",
]
DISPUTE_REASONS = ["billing_error", "delivery", "non_conformity", "price", "other"]


class Plan:
    """The customers and invoices to generate, from a seeded generator.

    Dates are kept as offsets from the day the data describe, so that the
    same plan can be laid again on a later day.
    """

    def __init__(self, customers, invoices, seed):
        self.customer_count = customers
        self.invoice_count = invoices
        self.seed = seed
        rng = random.Random(seed)
        self.customers = [self._customer(rng, index) for index in range(customers)]
        self.invoices = self._invoices(rng)

    @staticmethod
    def _digits(rng, count):
        return "".join(str(rng.randint(0, 9)) for _ in range(count))

    @classmethod
    def _mobile(cls, rng):
        digits = "0" + rng.choice(MOBILE_RANGES) + cls._digits(rng, 7)
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))

    def _customer(self, rng, index):
        number = index + 1
        typology = rng.choices(
            [code for code, _weight in TYPOLOGIES],
            [weight for _code, weight in TYPOLOGIES],
        )[0]
        is_company = rng.random() < 0.75
        foreign = rng.random() < 0.1
        country = "FR"
        if foreign:
            country = rng.choices(list(FOREIGN), [v[0] for v in FOREIGN.values()])[0]
        last = rng.choice(LAST_NAMES)
        if is_company:
            form = rng.choice(COMPANY_FORMS)
            name = f"{rng.choice(COMPANY_KINDS)} {last} {form}".strip()
        else:
            name = f"{rng.choice(FIRST_NAMES)} {last}"
        name = f"{name} {number:05d}"
        slug = f"{last.lower().encode('ascii', 'ignore').decode() or 'client'}{number}"
        customer = {
            "ref": f"BENCH-{number:05d}",
            "name": name,
            "is_company": is_company,
            "country": country,
            "typology": typology,
            "email": None,
            "phone": None,
            "mobile": None,
            "street": None,
            "zip": None,
            "city": None,
            "channel": rng.choice(
                [None, None, None, "email", "sms", "letter", "phone", "portal"]
            ),
            "pause_days": rng.randint(5, 60) if rng.random() < 0.01 else None,
            # The mobile of an accounts-payable contact, for a tenth of the companies.
            "contact": (
                self._mobile(rng) if is_company and rng.random() < 0.1 else None
            ),
            "weight": INVOICE_WEIGHT[typology] * (0.5 + rng.random()),
        }
        if rng.random() < 0.9:
            domain = f"{slug}.example" if is_company else "mail.example"
            customer["email"] = f"{'compta' if is_company else slug}@{domain}"
        phone = rng.random()
        if country == "FR":
            if phone < 0.6:
                customer["mobile"] = self._mobile(rng)
            elif phone < 0.85:
                customer["phone"] = f"0{rng.randint(1, 5)} " + " ".join(
                    self._digits(rng, 2) for _ in range(4)
                )
            elif phone < 0.93:
                # Typed wrong: reported as invalid, never sent an SMS.
                customer["mobile"] = rng.choice(["06 12 34", "12 34 56 78", "+33 6 12"])
        else:
            _share, prefix, digits, _city = FOREIGN[country]
            if phone < 0.6:
                customer["mobile"] = prefix + self._digits(rng, digits)
            elif phone < 0.7:
                # No international prefix, wrong length: invalid.
                customer["mobile"] = self._digits(rng, 6)
        if rng.random() < 0.95:
            zip_code, city = (
                rng.choice(CITIES) if country == "FR" else FOREIGN[country][3]
            )
            customer.update(
                street=f"{rng.randint(1, 120)} rue {rng.choice(LAST_NAMES)}",
                zip=zip_code,
                city=city,
            )
        return customer

    def _invoices(self, rng):
        count = self.invoice_count
        customers = self.customers
        # Every customer has an invoice; the others follow the weights.
        owners = list(range(min(len(customers), count)))
        owners += rng.choices(
            range(len(customers)),
            [c["weight"] for c in customers],
            k=count - len(owners),
        )
        owners.sort()
        invoices = []
        for number, owner in enumerate(owners, start=1):
            customer = customers[owner]
            days_overdue = rng.randint(-10, 120)
            if rng.random() < 0.08:
                amount = rng.uniform(10, 49.99)
            else:
                amount = math.exp(rng.uniform(math.log(50), math.log(20000)))
            dispute = rng.choices(
                ["none", "open", "under_review", "resolved"], [95, 3, 1, 1]
            )[0]
            scenario = SCENARIO_OF.get(customer["typology"], "standard")
            delays = SCENARIO_DELAYS[scenario]
            level = None
            last_reminder = None
            count_sent = 0
            if rng.random() < 0.7:
                # Already followed by earlier runs, some of them a few days
                # behind: their next level is due today.
                lag = rng.choice([0, 0, 0, 3, 8, 15])
                reached = [n for n, d in enumerate(delays) if d <= days_overdue - lag]
                if reached:
                    level = reached[-1]
                    sent_on = delays[level] + rng.randint(0, lag)
                    last_reminder = min(sent_on, days_overdue)
                    count_sent = level + 1
            invoices.append(
                {
                    "number": number,
                    "customer": owner,
                    "template": rng.choice([0, 0, 1, 2]),
                    "days_overdue": days_overdue,
                    "amount": amount,
                    "dispute": dispute,
                    "dispute_reason": rng.choice(DISPUTE_REASONS)
                    if dispute != "none"
                    else None,
                    "scenario": scenario,
                    "level": level,
                    # Days after the due date the last reminder was sent.
                    "last_reminder": last_reminder,
                    "reminders_sent": count_sent,
                }
            )
        return invoices
