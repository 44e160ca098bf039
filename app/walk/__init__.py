"""The Walk tab: one row of the user's data walked through the network, step by step
(`core.walk` computes the numbers; these modules show them with their formulas)."""
