"""The facilitator kit (docs/workshop): experiments, words, handouts and answer key."""
