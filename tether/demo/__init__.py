"""The seeded synthetic national register for demos, trials and benchmarks (never real data).

- ``generator.generate_documents(registrants, seed, today)``: registrant documents, pure Python;
- ``legal.with_legal_record(docs, seed, today)``: their courts, custody bases and licences, orders and reviews (its
  own random stream: the rest of the register is unchanged); ``legal.removals(facts, reviews, today)``: the removals
  from the register the rules engine finds in a parsed record;
- ``services.load_demo(registrants, seed, today=..., progress=...)``: validate and write them;
- ``users.ensure_demo_users()``: one demo sign-in per role.
"""
