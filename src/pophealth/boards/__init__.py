"""Partner organisations, boards, people, memberships, meetings and Do / Sponsor / Watch levels."""
