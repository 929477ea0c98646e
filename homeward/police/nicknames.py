"""Given names that can stand for one another: short forms, pet forms and spelling variants.

A police report often carries the name a child goes by ("Jay", "Lizzie", "Mo") rather than
the name on the child's record ("Jayden", "Elizabeth", "Mohammed"). `equivalent` says whether
two given names belong to one group. A name may sit in several groups ("Sam" is short for both
Samuel and Samantha), so equivalence is not transitive: "Samuel" and "Samantha" are not
equivalent although both are equivalent to "Sam".

The groups are compiled for homeward and cover the given names of the synthetic name lists
(`homeward.synth.names`) wherever an everyday English short form or spelling variant exists,
plus common names beyond them. They are deliberately conservative: two different names that
merely share a sound ("Mia" and "Maya") are left to the spelling and sound comparisons of the
matcher, which score them lower.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

#: Each line is one group of interchangeable given names, separated by spaces.
_GROUPS_TEXT: Final = """
jayden jaden jaydon jaiden jay
alexander alex alec alexandre xander sandy
alexandra alex lexi lexie sasha sandra
elizabeth liz lizzie lizzy beth betty bess eliza elsie libby lisa
bethany beth
muhammad mohammed mohammad muhammed mohamed mohamad mo
abigail abbie abby abi
isabella isabelle isabel isobel bella izzy issy
amelia millie milly
millie milly mildred
olivia liv livvy livia
oliver ollie olly oli
sophia sophie soph
freya freja
ella ellie
eleanor ellie nell nora elle
evie eve evelyn
emily em emmie emmy
emilia emi
jessica jess jessie
lucy lucie
holly hollie
megan meg meghan megs
margaret maggie meg peggy maisie
maisie maisy
ruby rubie
lily lilly lillie
paige page
tia tiah
erin eryn
leah lea
niamh neve neave
hannah hanna
lauren lauryn
caitlin caitlyn kaitlyn katelyn cait
catherine katherine kathryn kate katie katy kat cath kathy kitty
courtney court cortney
shannon shan
jade jayde
kayla kaylah
skye sky
keira kiera kira
demi demetria
aimee amy aimie
sienna siena
phoebe phebe
grace gracie
rosie rose rosa
ava avah
chloe cloe
charlotte charlie lottie
george georgie geordie
arthur art artie arty
leo leon leonardo leonard
harry henry hal harrison haz
oscar ozzy oz
jack john johnny jonny
jonathan jon jonny jonty
charlie charles chaz chas charley
jacob jake jakob jakub kuba
thomas tom tommy tomasz tomek tomas
alfie alfred alf alfy
riley rylee ryley reilly
tyler ty
kai kye
lewis louis louie lou luis
callum calum cal
connor conor con
reece rhys reese
william will willie billy bill liam
dylan dillon
joshua josh joshy
harvey harv
ryan rian
kieran kieron ciaran kiaran kez
owen owain eoin
ewan euan ewen eoghan
finley finlay finn fin
cameron cam kameron
brandon bran
declan dec
aaron aron
lucas lukas luke luka luca
james jamie jim jimmy
bailey bayley
corey cory korey
max maxwell maximilian maxim maks
samuel sam sammy
samantha sam sammie
benjamin ben benny benji
toby tobias tobi
jordan jordon
joseph joe joey jo
aisha ayesha aysha aishah
amira ameera amirah
zara zahra zarah
maryam mariam miriam mariyam
anaya anaiya
fatima fatimah fatma
sana sanaa
inaya inayah
yusuf yousuf yousef yusef
ibrahim ebrahim
zain zayn zane
bilal bilaal
arjun arjan
rayyan rayan rayaan
hamza hamzah
ayaan ayan
nia niah
adaeze ada
chantelle shantelle chantel
shanice shanise chanice
tyrese tyreese ty
jamal jamaal
marcus markus
malachi malakai mal
emmanuel emanuel immanuel manny
zuzanna zuza zuzia susanna
julia jules
natalia natalie nat tala
alicja alicia alice ala
ioana joanna johanna jo
elena helena lena
daria dasha
kacper kasper casper
filip philip phillip phil pip
andrei andrew andy andrzej andre drew
mateusz matthew matt matty mat
szymon simon si
rebecca becca becky bec
chris christopher kris
chris christine christina
nicola nicole nicky nikki nic
gareth gaz
helen helena nell
deborah debbie deb debra
mark marc
rachel rach rae
fiona fi
tariq tarik
claire clare
graham graeme
yvonne vonnie
bernadette bernie
"""


def _fold(name: str) -> str:
    """Lower case, accents and everything but letters removed."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha() and ch.isascii())


#: The groups, in order; a group's number is its position.
GROUPS: Final[tuple[frozenset[str], ...]] = tuple(
    frozenset(line.split()) for line in _GROUPS_TEXT.strip().splitlines() if line.strip()
)

_GROUPS_OF: Final[dict[str, frozenset[int]]] = {}
for _number, _group in enumerate(GROUPS):
    for _name in _group:
        _GROUPS_OF[_name] = _GROUPS_OF.get(_name, frozenset()) | {_number}


def groups_of(name: str) -> frozenset[int]:
    """The numbers of the groups a given name belongs to (empty when it is in none)."""
    return _GROUPS_OF.get(_fold(name), frozenset())


@lru_cache(maxsize=65_536)
def equivalent(a: str, b: str) -> bool:
    """Whether two given names are the same name or can stand for each other (any case)."""
    folded_a, folded_b = _fold(a), _fold(b)
    if not folded_a or not folded_b:
        return False
    if folded_a == folded_b:
        return True
    return bool(_GROUPS_OF.get(folded_a, frozenset()) & _GROUPS_OF.get(folded_b, frozenset()))
