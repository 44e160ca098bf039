"""The column an import proposes as the target: one whose name says so, else the last."""

from __future__ import annotations

import io

import pandas as pd

from core.columns import default_target, profile_columns

PENGUINS = """species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
Adelie,Torgersen,39.1,18.7,181,3750,male,2007
Adelie,Torgersen,39.5,17.4,186,3800,female,2007
Gentoo,Biscoe,46.1,13.2,211,4500,female,2008
Chinstrap,Dream,46.5,17.9,192,3500,female,2009
"""

# A fuel-economy table: `class` is the kind of car (compact, suv), not what it is for.
FUEL_ECONOMY = """make,model,displ,year,cyl,trans,drv,city_mpg,hwy_mpg,fl,class
audi,a4,1.8,1999,4,auto(l5),f,18,29,p,compact
audi,a4,2.0,2008,4,manual(m6),f,21,30,p,compact
chevrolet,tahoe,5.3,2008,8,auto(l4),r,14,20,r,suv
dodge,caravan,3.3,2008,6,auto(l4),f,17,24,r,minivan
"""


def target_of(text: str) -> str:
    return default_target(profile_columns(pd.read_csv(io.StringIO(text))))


def test_penguins_default_to_their_species_not_the_year() -> None:
    assert target_of(PENGUINS) == "species"


def test_a_fuel_economy_table_defaults_to_its_mileage_not_the_car_class() -> None:
    assert target_of(FUEL_ECONOMY) == "city_mpg"


def test_names_that_say_target_win_in_the_documented_order() -> None:
    assert target_of("a,Outcome,label,b\n1,x,y,2\n3,z,w,4\n") == "label"
    assert target_of("x1,x2,Class\n1,2,a\n3,4,b\n") == "Class"
    assert (
        target_of("age,HeartDisease_Diagnosis,sex\n1,yes,m\n2,no,f\n") == "HeartDisease_Diagnosis"
    )


def test_y_is_a_coordinate_beside_x() -> None:
    assert target_of("x,y,z,price\n1,2,3,4\n5,6,7,8\n") == "price"
    assert target_of("x,y,colour\n1,2,red\n3,4,blue\n") == "colour"
    assert target_of("a,b,y,c\n1,2,3,4\n5,6,7,9\n") == "y"


def test_otherwise_the_last_column_that_is_not_an_identifier() -> None:
    rows = "".join(f"{i * 0.5},{i % 3},{i}\n" for i in range(20))
    assert target_of("height,width,id\n" + rows) == "width"  # id runs 0..19: an identifier
    assert target_of("a,b,c\n1,2,3\n4,5,6\n") == "c"
