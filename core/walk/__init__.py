"""One row walked through the network in plain numpy: the course's mathematics, written to be read.

`walk_row` (core/walk/walk.py) takes the design, the weights as numpy arrays, the fitted
preprocessing and one raw row, and returns a `RowWalk` (core/walk/steps.py) holding every number of
preprocessing, the forward pass, the output, the loss, backpropagation and one optimizer update.
No torch here: tests/core/test_walk_vs_torch.py checks each number against PyTorch autograd and
torch.optim.
"""
