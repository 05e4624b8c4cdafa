"""The payment sandbox's library: a stand-in card processor, kept free of Chalice so it tests alone."""
