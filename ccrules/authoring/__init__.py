"""Rule authoring: checks beyond loading, rule tests, the generated catalogue, and the impact
of a rule change on stored decisions."""
