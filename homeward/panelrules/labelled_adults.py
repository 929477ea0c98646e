"""A small labelled example for the adult matching threshold: pairs of descriptions of an
adult as children might give them (invented), and whether they describe one person.

`linking.measure` scores `linking.same_adult` on these at each threshold; docs/panel.md
gives the figures. Add pairs here when the panel finds a match that was wrong or missed.
"""

from __future__ import annotations

#: (description, description, the same adult?)
PAIRS: tuple[tuple[str, str, bool], ...] = (
    # The same adult, described twice.
    ("Big Mike", "big mike", True),
    ("Mikey", "Mikee", True),
    ("Tall man called Dee", "Dee, tall man", True),
    ("Jay from the chicken shop", "Jay from chicken shop", True),
    ("Smokey", "Smoky", True),
    ("Kaz", "Kazz", True),
    ("Older lad called Tyler", "Tyler, older lad", True),
    ("Ricky with the red car", "Ricky red car", True),
    ("Uncle Bobby", "uncle bobbie", True),
    ("Deano", "Dino", True),
    ("Mo from the flat", "Mo from flat above the shop", True),
    ("Stevie G", "Stevie Gee", True),
    ("Lanky", "Lankey", True),
    ("Kyle (older brother's friend)", "Kyle older brothers friend", True),
    ("T-Bone", "T Bone", True),
    ("Marcus the driver", "Marcus, driver", True),
    ("Auntie Jo at the market", "auntie joe market", True),
    ("Chris with the tattoo on his neck", "Chris neck tattoo", True),
    # Different adults, alike in part.
    ("Big Mike", "Little Mike", False),
    ("Dee", "Dave", False),
    ("Jay from the chicken shop", "Kay from the chicken shop", False),
    ("Smokey", "Sparky", False),
    ("Uncle Bobby", "Uncle Barry", False),
    ("Ricky with the red car", "Ricky with the blue car", False),
    ("Marcus the driver", "Markus the dealer", False),
    ("Older lad called Tyler", "Younger lad called Tyler", False),
    ("Lanky", "Lenny", False),
    ("Kyle", "Kylie", False),
    ("Mo from the flat", "Jo from the flat", False),
    ("Stevie G", "Stevie B", False),
    ("Chris with the tattoo on his neck", "Chris with the scar on his face", False),
    ("Auntie Jo", "Auntie Sue", False),
)
