"""Prefilled forms per second for 1,000 customers vs. laying out every form from scratch.

    python benchmarks/bench_forms.py [--customers 1000] [--baseline 40]

The baseline builds each form the naive way (fpdf2 layout, fonts, fields, QR, values) with
nothing cached; the product path reuses the cached template and appends one update per form.
Both run in the same process, one core; the ratio is printed. Targets: >= 10x, <= 80 KB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import statistics
import time

from formgen.definition import load_company, load_form
from formgen.form.customers import Customer
from formgen.form.fonts import field_font
from formgen.form.prefill import build_prefilled
from formgen.form.template import build_template, get_template

NAMES = ["Łukasz Nowak", "Anna de Vries", "Mehmet Şahin", "Nguyễn Thị Mai", "Søren Ørsted",
         "Jan-Willem van den Berg", "Zoë Janssen", "François Müller"]


def customers(n: int) -> list[Customer]:
    return [Customer(customer_id=f"K{100000 + i}", name=NAMES[i % len(NAMES)],
                     company=f"Bedrijf {i} B.V." if i % 3 else "", id_number=f"X{i:07d}Z",
                     email=f"klant{i}@voorbeeld.nl", phone=f"+31 6 {i:08d}",
                     street=f"Dorpsstraat {i % 200 + 1}", postcode="1234 AB", city="Utrecht",
                     country="Nederland") for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=40,
                        help="forms built the naive way (slow; the rate is per form)")
    args = parser.parse_args()
    key = secrets.token_hex(32).encode()
    issued = dt.date(2026, 11, 25)
    people = customers(args.customers)
    form, company = load_form(), load_company()

    start = time.perf_counter()
    template = get_template()
    template_s = time.perf_counter() - start
    sizes = []
    start = time.perf_counter()
    for i, person in enumerate(people):
        sizes.append(len(build_prefilled(template, person, key, f"R{i:08d}", issued)))
    cached_s = time.perf_counter() - start

    start = time.perf_counter()
    for i, person in enumerate(people[:args.baseline]):
        field_font.cache_clear()
        fresh = build_template(form, company)
        build_prefilled(fresh, person, key, f"B{i:08d}", issued)
    naive_s = time.perf_counter() - start

    cached_rate = len(people) / (cached_s + template_s)
    naive_rate = args.baseline / naive_s
    print(f"forms                 {len(people)} prefilled (+ template built once in "
          f"{template_s * 1000:.0f} ms)")
    print(f"cached template       {cached_rate:8.1f} forms/s  ({cached_s * 1000 / len(people):.2f}"
          f" ms/form, template build included in the rate)")
    print(f"naive from scratch    {naive_rate:8.1f} forms/s  ({naive_s * 1000 / args.baseline:.1f}"
          f" ms/form, {args.baseline} forms)")
    print(f"ratio                 {cached_rate / naive_rate:8.1f}x  (target >= 10x)")
    print(f"size per form         mean {statistics.mean(sizes) / 1000:.1f} KB, max "
          f"{max(sizes) / 1000:.1f} KB  (target <= 80 KB)")


if __name__ == "__main__":
    main()
