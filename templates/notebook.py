# Companion notebook template, in the "percent" format (Jupytext, VS Code): `# %%` starts a code cell and
# `# %% [markdown]` a Markdown cell whose lines are written as comments. `make chapter` turns it into
# notebooks/<slug>/<topic>.ipynb with nbformat, fills in the $${name} fields and executes it.
# Everything above the first `# %%` line (this header) is not part of the notebook.
# The contract: a title cell linking to the chapter; imports and seeds; steps that explain before they
# compute; a final "## Checks" section of asserts that prove the effect happened. Imports: numpy, pandas,
# scipy, scikit-learn, matplotlib and the standard library only. No network, no wall-clock values.

# %% [markdown]
# # ${title}: ${topic_title}
#
# This notebook accompanies the chapter [${title}](../../chapters/${slug}.md).
# TODO(chapter): say which section of the chapter it illustrates and what the learner will see.

# %%
import numpy as np

rng = np.random.default_rng(0)

# %% [markdown]
# ## Step 1: make the data
#
# TODO(chapter): explain what this step does and why, before the code does it.
# The template draws a small sample so that the notebook runs; replace it with the chapter's idea.

# %%
sample = rng.normal(loc=0.0, scale=1.0, size=1_000)
print(f"mean: {sample.mean():.3f}, standard deviation: {sample.std():.3f}")

# %% [markdown]
# ## Checks
#
# These asserts prove that the effect the notebook showed really happened.
# TODO(chapter): replace them with checks of the chapter's effect.

# %%
assert abs(sample.mean()) < 0.1, "the sample mean should be close to 0"
assert 0.9 < sample.std() < 1.1, "the sample spread should be close to 1"
