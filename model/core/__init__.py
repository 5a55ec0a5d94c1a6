"""The model proper: parameter schema, state, population, the Mesa model's step and its metrics."""
