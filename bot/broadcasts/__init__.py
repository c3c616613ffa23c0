"""Broadcasts: one announcement to a segment of women, sent once each, tracked to delivery."""
