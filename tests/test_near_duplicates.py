"""Near-duplicate copies (wire reprints, light rewrites) are linked to the article they copy."""

from claimledger import extract
from claimledger.schema import Article
from claimledger.store.ledger import Ledger

WIRE = ("SEOUL, Oct 23 (Wire) - About 3,000 North Korean soldiers have moved to eastern Russia, a Pentagon "
        "spokesperson said on Wednesday, adding that the troops were being trained at several bases. "
        "South Korea's spy agency said earlier that approximately 12,000 special forces would be sent. "
        "Moscow and Pyongyang have dismissed the reports as groundless rumours, and the Kremlin declined "
        "to comment on the movements of troops near the border.")
REPRINT = ("Pentagon sees North Korean troops in Russia\n\n" + WIRE.replace("have moved", "had moved")
           + " Reporting by the Wire desk.")
OTHER = ("BUCHAREST, Nov 12 (Chronicle) - Romania's environment guard fined Danstar after a fertiliser spill "
         "at the Bratova river port, an inspector said, while the company said the water was safe to drink.")


def add(ledger, text, source):
    return ledger.add(Article(text=text, source=source), extract(text, source=source))


def test_reprint_is_linked_and_other_story_is_not(ledger_target):
    with Ledger(ledger_target) as ledger:
        original = add(ledger, WIRE, "wire.txt")
        reprint = add(ledger, REPRINT, "reprint.txt")
        other = add(ledger, OTHER, "other.txt")
        assert ledger.copy_of(original) is None and ledger.copy_of(other) is None
        assert ledger.copy_of(reprint) == original
        [(copy_id, source, similarity)] = ledger.copies_of(original)
        assert (copy_id, source) == (reprint, "reprint.txt") and 0.5 <= similarity < 1


def test_copies_are_found_across_runs_and_chains_point_to_the_first(ledger_target):
    with Ledger(ledger_target) as ledger:
        original = add(ledger, WIRE, "wire.txt")
        add(ledger, REPRINT, "reprint.txt")
    with Ledger(ledger_target) as reopened:
        second_reprint = add(reopened, REPRINT + " Editing by the night desk.", "again.txt")
        assert reopened.copy_of(second_reprint) == original


def test_a_wire_original_that_arrives_after_its_reprints_becomes_what_they_copy(ledger_target):
    with Ledger(ledger_target) as ledger:
        reprint = ledger.add(Article(text=REPRINT, source="paper.html", outlet="Lakeshore Evening News"),
                             extract(REPRINT, source="paper.html"))
        second = add(ledger, REPRINT + " Editing by the night desk.", "again.txt")
        assert ledger.copy_of(second) == reprint
        original = ledger.add(Article(text=WIRE, source="https://wire.example/1", outlet="Wire"),
                              extract(WIRE, source="https://wire.example/1"))
        assert ledger.copy_of(original) is None
        assert ledger.copy_of(reprint) == original and ledger.copy_of(second) == original
        later = add(ledger, REPRINT + " Corrected.", "later.txt")
        assert ledger.copy_of(later) == original
    with Ledger(ledger_target) as reopened:  # the chains are rebuilt as stored
        assert reopened.copy_of(add(reopened, REPRINT + " Second edition.", "fourth.txt")) == original


def test_an_outlet_s_own_story_is_not_mistaken_for_the_original_of_a_reprint(ledger_target):
    with Ledger(ledger_target) as ledger:
        first = ledger.add(Article(text=WIRE, source="a.txt", outlet="Wire"), extract(WIRE, source="a.txt"))
        again = ledger.add(Article(text=REPRINT, source="b.txt", outlet="Wire"), extract(REPRINT, source="b.txt"))
        assert ledger.copy_of(again) == first  # the first credits its own outlet: it is the original
