"""Names in a note: proper nouns in person positions, minus places, organisations, pets and
conditions (no NER), and each name's gender (from the pronouns used after it). What the
note says of each one's role, kind and age is ``name_roles.py``."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.drafting.ages import age_after, age_before
from pipeline.drafting.name_roles import NameInfo, NameRoles, RoleSpans
from pipeline.drafting.person_words import REPORTING_HEADS, Lexicon
from pipeline.drafting.doc_views import parser_sentences, token_table

_POSSESSIVES = {"his", "her", "their", "my", "your", "our", "its"}
_ARTICLES = {"the", "a", "an"}
_SHORTEST_STEM = 3  # "Jess" for "Jessica"; "Jo" is too short to tell
# the words between a name and another name for the same person
_NICKNAME_LINKS = ((",", "or"), ("(",), (",", "known", "as"), ("known", "as"), (",", "aka"),
                   (",", "who", "likes", "to", "be", "called"), (",", "who", "prefers", "to", "be", "called"))
_NAMED_CONDITIONS = {(s, w) for s in ("'s", "’s") for w in ("disease", "syndrome", "palsy", "disorder", "law")}


class Names(NameRoles):
    """The names of one parsed note (``name_of``: token -> name key; ``names``: key -> what
    the note says of that person)."""

    def __init__(self, doc: Doc, *, parsed: bool, lex: Lexicon, roles: RoleSpans, known: set[str]) -> None:
        self.doc, self.parsed, self.lex, self.roles = doc, parsed, lex, roles
        self.t = token_table(doc)
        self.name_of: dict[int, str] = {}  # token index -> name key
        self.names: dict[str, NameInfo] = {}
        self.named_by_role: dict[int, str] = {}  # role word -> the name said with it ("mum Sarah")
        self.sentence_starts = {sent.start for sent in parser_sentences(doc)}
        self.role_words = {i for _, start, end in roles.values() for i in range(start, end)}
        # "her" in "her partner Darren": a possessive just before a role phrase
        self.roles_start = {start - 1 for _, start, _ in roles.values() if start > 0}
        self.aliases: dict[str, str] = {}  # a short form of a name -> the name ("Jess" -> "Jessica")
        self._find_names(known)
        self._short_forms()
        self._nicknames()
        self._name_roles_and_ages()
        self._adults_by_nickname()
        self._known_people_everywhere()
        self._vote_genders()

    def _is_name_candidate(self, i: int, known: set[str]) -> bool:
        text, low = self.t.text[i], self.t.lower[i]
        if low in known:
            return True
        if not (text[:1].isupper() and text.isalpha()) or (len(text) > 1 and text.isupper()):
            return False
        if low in self.lex.not_names or low in self.lex.titles or i in self.roles or i in self.role_words:
            return False
        if low in self.lex.calendar_words and self._beside_a_number(i):
            return False  # "the 3rd of Jan", "Sat 14th": a date, not a person
        if i >= 2 and self.t.text[i - 1] == "-" and not self.t.tokens[i - 2].whitespace_ and \
                not self.t.tokens[i - 1].whitespace_ and self.t.text[i - 2].isalpha():
            return False  # "Mae" of "Lacey-Mae": the end of one hyphenated name, not a second person
        if i > 0 and self.t.lower[i - 1] in _ARTICLES:
            return False  # "who is the Iron" (Whisper's mishearing of "nine"): an article makes it a thing
        if i > 0 and self.t.lower[i - 1] in _POSSESSIVES and age_after(self.t, self._hyphenated_end(i)) is None:
            return False  # "his PlayStation", "her Snapchat": a thing someone has (not "our Lacey-Mae, 7")
        if tuple(self.t.lower[i + 1:i + 3]) in _NAMED_CONDITIONS:
            return False  # "Crohn's disease", "Down's syndrome": a condition named after someone
        if self._in_organisation_name(i):
            return False  # "the Freedom Programme"
        if i > 0 and self.t.lower[i - 1] in self.lex.animal_words:
            return False  # "their dog Max"
        if self.parsed:
            if self.t.tag[i] not in ("NNP", "NNPS") and \
                    not (i in self.sentence_starts and self._named_here(self.t.tokens[i])):
                return False
        elif i in self.sentence_starts:
            return False
        return self._listed_person(i) or not self._is_place(self.t.tokens[i])

    def _beside_a_number(self, i: int) -> bool:
        """'3rd of Jan', 'the 12th Dec', 'Jan 3rd', 'Sat the 14th': a number or an ordinal
        just before (over 'of') or just after (over 'the') the word."""
        tokens, lower = self.t.tokens, self.t.lower
        before = i - 1 - (i >= 2 and lower[i - 1] == "of")
        after = i + 1 + (i + 2 < len(lower) and lower[i + 1] == "the")
        numeric = [k for k in (before, after) if 0 <= k < len(tokens)]
        return any(tokens[k].like_num or self.t.lower[k][:1].isdigit() for k in numeric)

    def _in_organisation_name(self, i: int) -> bool:
        """A run of capitalised words ending in an organisation word ('Freedom Programme')."""
        text, lower = self.t.text, self.t.lower
        if lower[i] in self.lex.organisation_words and i > 0 and text[i - 1][:1].isupper() and text[i - 1].isalpha():
            return True  # "Programme" in "Freedom Programme"
        j = i
        while j < len(text) and text[j][:1].isupper() and text[j].isalpha():
            if lower[j] in self.lex.organisation_words and j > i:
                return True
            j += 1
        return False

    def _listed_person(self, i: int) -> bool:
        """'to see Lily, 7, and Jack, 5, at home': a name said with an age, or listed after a
        name, is a person even where the parse takes it for a place."""
        if age_after(self.t, i + 1) is not None:
            return True
        j = i - 1
        if j < 1 or self.t.lower[j] not in (",", "and"):
            return False
        j -= 1
        while j >= 0 and (self.t.tokens[j].like_num or self.t.lower[j] in (",", "(", ")")):
            j -= 1
        return j in self.name_of

    def _named_here(self, token: Token) -> bool:
        """A capitalised first word the tagger took for a common noun, but said like a name:
        "Riley is 8.", "Riley, 8, said..."."""
        if token.tag_ not in ("NN", "NNS", "NNP", "NNPS") or token.lower_ in self.lex.pronouns:
            return False
        nxt = self.t.lower[token.i + 1] if token.i + 1 < len(self.t.lower) else ""
        return self.age_after(token.i + 1) is not None or nxt in ("said", "told", "says", "tells")

    def _is_place(self, token: Token) -> bool:
        prev = token.nbor(-1).lower_ if token.i > 0 else ""
        if self.parsed:
            head = token.head
            if token.dep_ == "pobj" and head.lower_ in self.lex.place_prepositions:
                return True
            if token.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ in self.lex.travel_words:
                return True
            while token.dep_ == "compound" and head.dep_ == "compound" and head.head.i != head.i:
                token, head = head, head.head
            return token.dep_ == "compound" and head.tag_ in ("NN", "NNS") and head.i not in self.roles
        return prev in self.lex.place_prepositions

    def _find_names(self, known: set[str]) -> None:
        text, lower, count = self.t.text, self.t.lower, len(self.t.tokens)
        i = 0
        while i < count:
            title = self._title_at(i)
            if title and i + 3 < count and lower[i + 1] == "and" and self._title_at(i + 2) and \
                    text[i + 3][:1].isupper() and lower[i + 3] not in self.lex.not_names:
                for first in (i, i + 2):  # "Mr and Mrs Adeyemi": two people of one surname
                    key = f"{text[first].rstrip('.')} {text[i + 3]}"
                    self.name_of[first] = key
                    self.names.setdefault(key, NameInfo(text=key, title=lower[first].rstrip(".")))
                self.name_of[i + 3] = self.name_of[i + 2]
                i += 4
                continue
            if title and i + 1 < count and text[i + 1][:1].isupper():
                end = self._surname_end(i + 2)  # "DC Sarah Harris": the title, a first name and a surname
                key = self._titled_key(text[i].rstrip("."), [text[j] for j in range(i + 1, end) if text[j] != "-"])
                for j in range(i, end):
                    self.name_of[j] = key
                self.names.setdefault(key, NameInfo(text=key, title=lower[i].rstrip(".")))
                i = end
                continue
            if lower[i] in self.lex.adult_nicknames and i + 1 < count and age_before(self.t, i + 1) is None and \
                    self._is_name_candidate(i + 1, known):  # not "9-year-old Amber"
                end = self._hyphenated_end(i + 1)  # "Big Dave", "old Tom": an adult's nickname
                key = f"{text[i].capitalize()} {''.join(text[i + 1:end])}"
                for j in range(i, end):
                    self.name_of[j] = key
                self.names.setdefault(key, NameInfo(text=key, adult_nickname=True))
                i = end
                continue
            if self._is_name_candidate(i, known):
                end = self._hyphenated_end(i)  # "Ellie-Mae", "Tia-Lou": one name
                key = "".join(text[i:end])
                for _ in range(2):  # "Daniel Okonkwo", "Mary Kate Adeyemi": one person, not two or three
                    surname_end = self._surname_end(end)
                    if surname_end == end:
                        break
                    key = f"{key} {''.join(text[end:surname_end])}"
                    end = surname_end
                for j in range(i, end):
                    self.name_of[j] = key
                self.names.setdefault(key, NameInfo(text=key))
                i = end
                continue
            i += 1
        # a name found once is a name everywhere ("Grace was seen" tagged as a common noun), and
        # so is the first name of a full name said once ("Reign Thompson ... Reign was seen")
        firsts: dict[str, list[str]] = {}
        for key, name in self.names.items():
            if name.title is None and " " in key:
                firsts.setdefault(key.split()[0], []).append(key)
        for i, word in enumerate(text):
            key = word if word in self.names else firsts[word][0] if len(firsts.get(word, ())) == 1 else None
            if key is not None and i not in self.name_of and \
                    (i > 0 and lower[i - 1] == "at" or self._owner_here(i) or not self._is_place(self.t.tokens[i])):
                self.name_of[i] = key  # "did not look in Maisie's": Maisie's room, not a place

    def _titled_key(self, title: str, words: list[str]) -> str:
        """'DC Harris' after 'DC Sarah Harris': the same title and surname is the same person."""
        key = " ".join([title, *words])
        if len(words) == 1:
            same = [k for k, name in self.names.items() if name.title is not None and k.split()[0] == title
                    and k.split()[-1] == words[0] and k != key]
            if len(same) == 1:
                return same[0]
        return key

    def _title_at(self, i: int) -> bool:
        """'Mrs Thompson', 'PC Evans'; 'Sister Evans' only capitalised inside a sentence and
        not someone's ('her Sister Ruby' is a sibling)."""
        word, lower = self.t.lower[i].rstrip("."), self.t.lower
        if not self.t.text[i][:1].isupper():
            return False
        if word in self.lex.titles:
            return True
        if i + 1 < len(lower) and f"{self.t.text[i].rstrip('.')} {self.t.text[i + 1]}" in self.names:
            return True  # the same titled name said again at a sentence's start
        return word in self.lex.mid_sentence_titles and i > 0 and not self.t.tokens[i].is_sent_start and \
            lower[i - 1] not in ("her", "his", "their", "my", "your", "'s", "’s", ".")

    def _owner_here(self, i: int) -> bool:
        return i + 1 < len(self.t.lower) and self.t.lower[i + 1] in ("'s", "’s")

    def _short_forms(self) -> None:
        """'Jessica ... Jess', 'Alexandra ... Alex', 'Lily-Mae ... Lily', 'Jessie': a name that
        starts exactly one longer name of the note is that person (not a name with a title)."""
        plain = [key for key, name in self.names.items() if name.title is None]
        for short in plain:
            low = short.lower()
            stem = low[:-2] if low.endswith("ie") else low[:-1] if low.endswith("y") and len(low) > 4 else low
            if len(stem) < _SHORTEST_STEM:
                continue
            longer = list(dict.fromkeys(  # "Ellie" after "Ellie-May", itself "Ellie-May Thompson": one person
                self.aliases.get(key, key) for key in plain
                if key != short and len(key) > len(short) and key.lower().startswith(stem)))
            if len(longer) != 1:
                continue
            self.aliases[short] = longer[0]
            for i, key in list(self.name_of.items()):
                if key == short:
                    self.name_of[i] = longer[0]
            del self.names[short]

    def _nicknames(self) -> None:
        """'Nevaeh, or Neve as she prefers', 'Alfred (Alfie)', 'Charlotte, known as Charlie':
        a name said straight after another as what the person is called is the same person."""
        lower = self.t.lower
        for i, key in sorted(self.name_of.items()):
            if not self._last_of_name(i):
                continue
            for link in _NICKNAME_LINKS:
                j = i + 1 + len(link)
                if tuple(lower[i + 1:j]) != link or j not in self.name_of:
                    continue
                nickname = self.name_of[j]
                end = next((k for k in range(j, j + 4) if self.name_of.get(k) != nickname), j + 1)
                after = tuple(lower[end:end + 2])
                if link[-1] == "or" and not (after[:1] == ("as",) or after == (",", "as")) or \
                        link == ("(",) and after[:1] != (")",):
                    break  # "Mia or Jack": two children; "Nevaeh, or Neve as she prefers": one
                if nickname == key or nickname not in self.names or self.names[nickname].title is not None:
                    break
                self.aliases[nickname] = key
                for k, other in list(self.name_of.items()):
                    if other == nickname:
                        self.name_of[k] = key
                del self.names[nickname]
                break

    def _adults_by_nickname(self) -> None:
        """'Big Dave, the baby's dad': an adult's nickname is never a child's name, whatever
        else the note says of them (a role word said with it stands)."""
        for name in self.names.values():
            if name.adult_nickname and name.kind in (None, "child", "unknown"):
                name.role, name.kind, name.age = "other", "adult", None

    def _known_people_everywhere(self) -> None:
        """A name known to be a child or an adult of the family is that person wherever it is
        said, even where the parse hangs it on a noun ('the room Kyle shares', 'Ricky smokes
        weed' parsed as compounds)."""
        lower = self.t.lower
        for i, word in enumerate(self.t.text):
            word = self.aliases.get(word, word)
            name = self.names.get(word)
            if name is None or i in self.name_of or name.kind in (None, "unknown", "professional"):
                continue
            token = self.t.tokens[i]
            if token.tag_ in ("NNP", "NNPS") and not (token.dep_ == "pobj" and token.head.lower_ in self.lex.place_prepositions
                                                      and lower[i - 1] != "at"):
                self.name_of[i] = word

    def _surname_end(self, i: int) -> int:
        """'Daniel Okonkwo', 'Kayla Reid': a capitalised word said straight after a first
        name (no comma, no 'and') is that person's surname, not a second person. Not a word
        that is never a name, a title or role word, nor one that starts a sentence."""
        text, lower = self.t.text, self.t.lower
        if i >= len(text) or not (text[i][:1].isupper() and text[i].isalpha()) or len(text[i]) < 2 or \
                text[i].isupper() or i in self.sentence_starts or not self.t.tokens[i - 1].whitespace_:
            return i
        if lower[i] in self.lex.not_names or lower[i] in self.lex.titles or i in self.roles or i in self.role_words \
                or lower[i] in self.lex.pronouns or lower[i] in self.lex.organisation_words:
            return i
        if self.parsed and self.t.tag[i] not in ("NNP", "NNPS"):
            return i
        return self._hyphenated_end(i)  # "Amy Smith-Jones"

    def _hyphenated_end(self, i: int) -> int:
        """The end of a name joined by hyphens without spaces ('Ellie-Mae')."""
        tokens, text = self.t.tokens, self.t.text
        end = i + 1
        while end + 1 < len(text) and text[end] == "-" and not tokens[end - 1].whitespace_ \
                and not tokens[end].whitespace_ and text[end + 1][:1].isupper() and text[end + 1].isalpha():
            end += 2
        return end

    def _vote_reported_speakers(self) -> None:
        """'Sophie told me her boyfriend Callum checks her phone': the first pronoun of what a
        named speaker reports, before anyone else is named, is the speaker."""
        for i, key in list(self.name_of.items()):
            token = self.t.tokens[i]
            if token.dep_ != "nsubj" or token.head.lower_ not in REPORTING_HEADS:
                continue
            said = next((c for c in token.head.children if c.dep_ == "ccomp"), None)
            if said is None:
                continue
            for j in range(said.left_edge.i, said.right_edge.i + 1):
                if j in self.name_of or j in self.roles:
                    break  # someone else is named first: the pronoun may be theirs
                gender = self.lex.pronouns.get(self.t.lower[j])
                if gender in ("f", "m") and self.t.tokens[j].dep_ in ("nsubj", "nsubjpass", "poss"):
                    votes = self.names[key].votes
                    votes[gender] = votes.get(gender, 0) + 1
                    break

    def _vote_own_words(self) -> None:
        """'Tyler talked to me on his own', 'Ruby saw herself': 'his own' and a reflexive
        are the subject's own, whoever else the sentence names."""
        lower = self.t.lower
        for j, word in enumerate(lower):
            own = word in ("his", "her") and j + 1 < len(lower) and lower[j + 1] == "own"
            if not own and word not in ("himself", "herself"):
                continue
            verb = self.t.tokens[j].head
            for _ in range(4):
                if verb.tag_.startswith("VB") or verb.head.i == verb.i:
                    break
                verb = verb.head
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None and subject.i in self.name_of:
                votes = self.names[self.name_of[subject.i]].votes
                gender = self.lex.pronouns[word]
                votes[gender] = votes.get(gender, 0) + 1

    def _vote_genders(self) -> None:
        """'Kayden said he...' / 'Kayden showed me his room': a name's gender from its pronouns."""
        for sent in parser_sentences(self.doc):
            indices = range(sent.start, sent.end)
            named = [i for i in indices if i in self.name_of]
            persons = {self.name_of[i] for i in named}
            if len(persons) != 1:
                continue
            key = persons.pop()
            first = named[0]
            for i in indices:
                gender = self.lex.pronouns.get(self.t.lower[i])
                if i in self.roles and self.roles[i][0]["kind"] != "professional" and i > first:
                    break  # a person word before the pronoun: it may mean that one
                if i <= first or gender not in ("f", "m"):
                    continue
                subject_like = self.t.tokens[i].dep_ in ("nsubj", "nsubjpass", "poss") if self.parsed \
                    else self.t.lower[i] in ("he", "she", "his")
                if subject_like:
                    votes = self.names[key].votes
                    votes[gender] = votes.get(gender, 0) + 1
                    break
        if self.parsed:
            self._vote_reported_speakers()
            self._vote_own_words()
        for i, key in self.name_of.items():  # "Leanne, her partner Darren": Leanne is a she
            j = i + 1
            if j + 1 < len(self.t.lower) and self.t.lower[j] == "," and j + 1 in self.roles_start:
                gender = self.lex.pronouns.get(self.t.lower[j + 1])
                if gender in ("f", "m"):
                    votes = self.names[key].votes
                    votes[gender] = votes.get(gender, 0) + 1
        for name in self.names.values():
            if name.gender is None and name.votes:
                name.gender = max(name.votes, key=name.votes.get)

