"""Endorsements and recommendations: their types and the mutations that give,
withdraw and answer them."""
