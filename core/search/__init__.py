"""Settings search: which settings to vary (`space`), a trial's settings (`settings`), its
result (`results`), all torch- and Optuna-free; the Optuna study that runs it (`study`)."""
