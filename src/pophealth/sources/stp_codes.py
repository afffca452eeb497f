"""One stable code per STP / ICB: the ODS code (QK1), whichever code a workbook printed.

NHS England's A&E workbooks printed the STP level with ONS codes (E54000015) in 2017-18 and from
October 2018 to March 2019, and with ODS codes (QK1) otherwise. No workbook prints both, so the
ONS → ODS pairs below were derived once by matching the 42 STP names printed in the March 2019
workbook (ONS codes) with the 42 printed in the August 2020 workbook (ODS codes), both in
``shared/data/published/nhse-ae-by-provider``; every pair is a one-to-one name match (e.g.
"Leicester, Leicestershire and Rutland" ↔ "Leicester, Leicestershire and Rutland STP"; "Joined Up
Care Derbyshire" ↔ "Derbyshire"). A code not listed here (for example the footprints of 2017-18
that later merged) is stored as printed. See docs/data-formats.md, "A&E by-provider workbooks".
"""

from __future__ import annotations

STP_ONS_TO_ODS: dict[str, str] = {
    "E54000005": "QWO",  # West Yorkshire
    "E54000006": "QOQ",  # Humber, Coast and Vale
    "E54000007": "QOP",  # Greater Manchester
    "E54000008": "QYG",  # Cheshire and Merseyside
    "E54000009": "QF7",  # South Yorkshire and Bassetlaw
    "E54000010": "QNC",  # Staffordshire (and Stoke-on-Trent)
    "E54000011": "QOC",  # Shropshire and Telford and Wrekin
    "E54000012": "QJ2",  # Derbyshire (Joined Up Care Derbyshire)
    "E54000013": "QJM",  # Lincolnshire
    "E54000014": "QT1",  # Nottinghamshire
    "E54000015": "QK1",  # Leicester, Leicestershire and Rutland
    "E54000016": "QUA",  # The Black Country
    "E54000017": "QHL",  # Birmingham and Solihull
    "E54000018": "QWU",  # Coventry and Warwickshire
    "E54000019": "QGH",  # Herefordshire and Worcestershire
    "E54000020": "QPM",  # Northamptonshire
    "E54000021": "QUE",  # Cambridgeshire and Peterborough
    "E54000022": "QMM",  # Norfolk and Waveney
    "E54000023": "QJG",  # Suffolk and North East Essex
    "E54000024": "QHG",  # Bedfordshire, Luton and Milton Keynes
    "E54000025": "QM7",  # Hertfordshire and West Essex
    "E54000026": "QH8",  # Mid and South Essex
    "E54000027": "QRV",  # North West London
    "E54000028": "QMJ",  # North Central London
    "E54000029": "QMF",  # North East London
    "E54000030": "QKK",  # South East London
    "E54000031": "QWE",  # South West London
    "E54000032": "QKS",  # Kent and Medway
    "E54000033": "QNX",  # Sussex and East Surrey
    "E54000034": "QNQ",  # Frimley Health
    "E54000035": "QXU",  # Surrey Heartlands
    "E54000036": "QT6",  # Cornwall and the Isles of Scilly
    "E54000037": "QJK",  # Devon
    "E54000038": "QSL",  # Somerset
    "E54000039": "QUY",  # Bristol, North Somerset and South Gloucestershire
    "E54000040": "QOX",  # Bath, Swindon and Wiltshire
    "E54000041": "QVV",  # Dorset
    "E54000042": "QRL",  # Hampshire and the Isle of Wight
    "E54000043": "QR1",  # Gloucestershire
    "E54000044": "QU9",  # Buckinghamshire, Oxfordshire and Berkshire West
    "E54000048": "QE1",  # Lancashire and South Cumbria
    "E54000049": "QHM",  # Cumbria and North East
}


def stable_stp_code(printed: str) -> str:
    """The ODS code of the STP/ICB a workbook printed as ``printed`` (ONS or ODS)."""
    return STP_ONS_TO_ODS.get(printed.strip().upper(), printed.strip().upper())
