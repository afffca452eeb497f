"""The strategy as data: pledges, priorities, focuses, actions and measures, validated by typed models."""

from pophealth.strategy.loader import default_strategy_dir, load_strategy
from pophealth.strategy.models import Strategy

__all__ = ["Strategy", "load_strategy", "default_strategy_dir"]
