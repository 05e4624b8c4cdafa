"""A deterministic demo catalog: a few hundred plausible products over the known categories.

Same seed, same products (ids, SKUs, prices, stock): re-running the seed changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# per category: SKU prefix, price range in dollars, brands, kinds of product, qualities
_CATALOG: dict[str, tuple[str, tuple[int, int], list[str], list[str], list[str]]] = {
    "electronics": ("ELEC", (15, 1200), ["Voltra", "Nordlys", "Kiroku", "Pulsewave"],
                    ["Wireless Headphones", "Bluetooth Speaker", "4K Monitor", "Mechanical Keyboard", "USB-C Hub",
                     "Smartwatch", "Action Camera", "Noise-Cancelling Earbuds", "Portable SSD", "Webcam"],
                    ["Pro", "Mini", "Max", "Lite", "Studio"]),
    "books": ("BOOK", (8, 60), ["Harbor Press", "Quill & Co", "Éditions Lumière", "Northwind Books"],
              ["Cookbook", "Field Guide", "Novel", "Atlas", "Poetry Collection", "Biography", "Children's Picture Book",
               "Travel Guide", "History of Coffee", "Programming Handbook"],
              ["Illustrated", "Hardcover", "Paperback", "Collector's Edition", "Pocket"]),
    "home": ("HOME", (10, 400), ["Casa Alta", "Linden", "Hygge House", "Tidewater"],
             ["Throw Blanket", "Table Lamp", "Wall Clock", "Scented Candle", "Linen Curtains", "Bookshelf",
              "Area Rug", "Picture Frame", "Storage Basket", "Floor Cushion"],
             ["Oak", "Woven", "Minimal", "Velvet", "Rustic"]),
    "kitchen": ("KITC", (6, 500), ["Cuisson", "Ironbark", "Mesa", "Copperline"],
                ["Chef's Knife", "Cast Iron Skillet", "Espresso Machine", "Pour-Over Kettle", "Cutting Board",
                 "Stand Mixer", "Dutch Oven", "Café Crème Mugs", "Spice Rack", "Blender"],
                ["Stainless", "Enamelled", "Bamboo", "Professional", "Compact"]),
    "toys": ("TOYS", (5, 150), ["Kiddo", "Playforge", "Blocktopia", "Little Otter"],
             ["Building Blocks", "Puzzle 1000 Pieces", "Plush Bear", "Remote Control Car", "Wooden Train Set",
              "Board Game", "Kite", "Science Kit", "Doll House", "Marble Run"],
             ["Deluxe", "Classic", "Junior", "Family", "Glow"]),
    "sports": ("SPRT", (10, 900), ["Summit", "Stride", "Aquila", "Redline"],
               ["Yoga Mat", "Running Shoes", "Road Bike Helmet", "Dumbbell Set", "Tennis Racket", "Hiking Backpack",
                "Water Bottle", "Jump Rope", "Football", "Camping Tent"],
               ["Trail", "Ultralight", "Training", "Competition", "All-Weather"]),
    "beauty": ("BEAU", (5, 120), ["Lumière", "Verdant", "Pure Ritual", "Solène"],
               ["Face Serum", "Hand Cream", "Shampoo", "Lip Balm", "Eau de Parfum", "Clay Mask", "Sunscreen SPF 50",
                "Body Lotion", "Hair Oil", "Makeup Brush Set"],
               ["Hydrating", "Organic", "Gentle", "Radiance", "Night"]),
    "fashion": ("FASH", (12, 350), ["Atelier Nord", "Denimworks", "Maison Brume", "Kestrel"],
                ["Wool Sweater", "Denim Jacket", "Leather Belt", "Silk Scarf", "Canvas Sneakers", "Rain Coat",
                 "Linen Shirt", "Beanie", "Chinos", "Tote Bag"],
                ["Slim", "Oversized", "Merino", "Vintage", "Everyday"]),
    "garden": ("GARD", (5, 600), ["Greenthumb", "Fernhill", "Terracotta & Co", "Bloomfield"],
               ["Garden Hose", "Pruning Shears", "Raised Bed", "Watering Can", "Bird Feeder", "Seed Starter Kit",
                "Solar Lights", "Compost Bin", "Hammock", "Planter Pot"],
               ["Expandable", "Galvanised", "Cedar", "Heavy-Duty", "Balcony"]),
    "grocery": ("GROC", (2, 45), ["Pantry Co", "Olivar", "Mountain Bean", "Sweet Meadow"],
                ["Extra Virgin Olive Oil", "Coffee Beans", "Dark Chocolate", "Green Tea", "Honey", "Basmati Rice",
                 "Pasta", "Maple Syrup", "Sea Salt", "Granola"],
                ["Organic", "Single-Origin", "Fair Trade", "Artisan", "Family Size"]),
}


@dataclass(frozen=True)
class DemoProduct:
    product_id: str
    sku: str
    name: str
    description: str
    category: str
    price: int  # cents
    stock: int


def demo_products(per_category: int = 30, seed: int = 7) -> list[DemoProduct]:
    rng = random.Random(seed)  # noqa: S311 - demo data, repeatable by seed
    products = []
    for category, (prefix, (low, high), brands, kinds, qualities) in _CATALOG.items():
        for n in range(1, per_category + 1):
            brand, kind, quality = rng.choice(brands), kinds[(n - 1) % len(kinds)], rng.choice(qualities)
            dollars = rng.randint(low, high)
            price = dollars * 100 + rng.choice((99, 95, 49, 0)) if dollars > 1 else 199
            sku = f"{prefix}-{n:04d}"
            products.append(
                DemoProduct(
                    product_id=f"demo-{sku.lower()}",
                    sku=sku,
                    name=f"{brand} {quality} {kind}",
                    description=(
                        f"{quality} {kind.lower()} by {brand}, one of our {category} favourites: "
                        f"{rng.choice(['built to last', 'made with care', 'loved by customers', 'great as a gift'])}."
                    ),
                    category=category,
                    price=price,
                    stock=rng.choice((0, 3, 10, 25, 50, 100, 250)),
                )
            )
    return products
