"""The seeded synthetic national register for demos, trials and benchmarks (never real data).

- ``generator.generate_documents(registrants, seed, today)``: registrant documents, pure Python;
- ``services.load_demo(registrants, seed, today=..., progress=...)``: validate and write them;
- ``users.ensure_demo_users()``: one demo sign-in per role.
"""
