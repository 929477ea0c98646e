"""Name lists for generated people: common UK first names and surnames, combined at random,
so no generated person is a real one. Shared by the demo data (`homeward.cases.demo_data`) and
the synthetic matching population (`homeward.police.quality`).

Plain constants, no imports: the pure core and the Django demo can both use them.
"""

from __future__ import annotations

FEMALE = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
    "Grace", "Freya", "Ella", "Evie", "Poppy", "Chloe", "Emily", "Jessica", "Lucy", "Holly",
    "Megan", "Ruby", "Leah", "Niamh", "Hannah", "Lauren", "Abigail", "Paige", "Courtney",
    "Shannon", "Jade", "Caitlin", "Erin", "Millie", "Tia", "Kayla", "Summer", "Skye", "Keira",
    "Demi", "Aimee", "Bethany", "Sienna", "Maisie", "Libby", "Phoebe", "Katie", "Amber",
)  # fmt: skip
MALE = (
    "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Jack", "Charlie", "Jacob",
    "Thomas", "Alfie", "Riley", "Tyler", "Kai", "Mason", "Ethan", "Logan", "Lewis", "Callum",
    "Connor", "Kyle", "Jayden", "Reece", "Liam", "Dylan", "Josh", "Harvey", "Ryan", "Kieran",
    "Rhys", "Owen", "Ewan", "Finley", "Cameron", "Brandon", "Declan", "Aaron", "Luca", "Jamie",
    "Bailey", "Corey", "Max", "Sam", "Ben", "Louis", "Toby", "Jordan",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Cox",
    "Morgan", "Moore", "Hughes", "Ward", "Turner", "Parker", "Cooper", "Hill", "Harris",
    "Martin", "King", "Baker", "Allen", "Young", "Edwards", "Clark", "Scott", "Murphy", "Kelly",
    "Campbell", "Stewart", "Reid", "Fraser", "Bennett", "Price", "Bell", "Shaw", "Carter",
    "Marshall", "Gray", "Fisher", "Webb", "Barker", "Holmes", "Lloyd", "Pearce", "Chapman",
    "Mills", "Knight", "Hunt", "Palmer", "Russell", "Dixon", "Ellis", "Hart", "Lowe", "Hayes",
    "Fox", "Grant", "Francis", "Kennedy", "Doyle", "Gallagher", "Burns", "Quinn", "Rowe",
)  # fmt: skip
SOUTH_ASIAN_FIRST = {
    "female": ("Aisha", "Amira", "Zara", "Maryam", "Priya", "Anaya", "Fatima", "Sana", "Inaya"),
    "male": ("Mohammed", "Yusuf", "Ibrahim", "Zain", "Bilal", "Arjun", "Rayyan", "Hamza", "Ayaan"),
}
SOUTH_ASIAN_SURNAMES = (
    "Khan", "Hussain", "Ali", "Begum", "Ahmed", "Patel", "Shah", "Rahman", "Iqbal", "Akhtar",
    "Kaur", "Singh", "Mahmood", "Islam", "Sharma", "Mistry",
)  # fmt: skip
BLACK_FIRST = {
    "female": ("Imani", "Precious", "Nia", "Adaeze", "Abena", "Chantelle", "Shanice", "Blessing"),
    "male": ("Kofi", "Tyrese", "Jamal", "Marcus", "Kwame", "Tobi", "Malachi", "Emmanuel"),
}
BLACK_SURNAMES = (
    "Okafor", "Mensah", "Adeyemi", "Boateng", "Campbell", "Francis", "Grant", "Asante",
    "Williams", "Brown", "Johnson", "Owusu", "Okoro", "Richards", "Thomas", "Clarke",
)  # fmt: skip
EAST_EUROPEAN_FIRST = {
    "female": ("Zuzanna", "Julia", "Natalia", "Alicja", "Ioana", "Elena", "Daria", "Emilia"),
    "male": ("Tomasz", "Jakub", "Kacper", "Filip", "Andrei", "Mateusz", "Szymon", "Lukas"),
}
EAST_EUROPEAN_SURNAMES = (
    "Nowak", "Kowalski", "Wisniewski", "Popescu", "Ionescu", "Kaminski", "Lewandowski",
    "Horvath", "Petrov", "Novak", "Kazlauskas", "Balog",
)  # fmt: skip
CHINESE_SURNAMES = ("Chen", "Wong", "Li", "Zhang", "Liu", "Lam", "Cheung")
STAFF_FIRST = (
    "Alex", "Sam", "Jo", "Chris", "Nicola", "Gareth", "Helen", "Deborah", "Mark", "Sunita",
    "Rachel", "Andrew", "Fiona", "Tariq", "Claire", "Graham", "Yvonne", "Paul", "Bernadette",
)  # fmt: skip
NICKNAMES = {
    "Thomas": "Tommy", "Charlie": "Chaz", "Jacob": "Jake", "Joshua": "Josh", "Callum": "Cal",
    "Isabella": "Bella", "Jessica": "Jess", "Abigail": "Abbie", "Bethany": "Beth",
    "Mohammed": "Mo", "Samuel": "Sam", "Kieran": "Kez", "Rebecca": "Becca", "Courtney": "Court",
    "Natalia": "Tala", "Mateusz": "Matt", "Emmanuel": "Manny", "Alexander": "Alex",
}  # fmt: skip
