"""The kiosk's own sentences, marked for translation (shown through the patient's translator)."""

from __future__ import annotations

from dfhelper.engine.text import N_, N_plural

WELCOME = N_("Need help with the NHS App or contacting your GP online?")
WELCOME_TOUCH = N_("Touch the screen or press any key to start.")
START = N_("Start")
CHOOSE_LANGUAGE = N_("Choose your language")
HELP_WITH = N_("What do you need help with?")
SEARCH_PLACEHOLDER = N_("Or type what you need, for example: prescription")
SEARCH_FOUND = N_("Is it one of these?")
DID_YOU_MEAN = N_("Did you mean one of these?")
NOTHING_FOUND = N_("Sorry, nothing matched. Try other words, or ask a member of staff.")
APPLIES = N_("What applies to you?")
APPLIES_WHY = N_("This helps us show the right steps. You can skip it. We do not keep your answers.")
SKIP = N_("Skip")
ANSWER_YES = N_("Yes")
ANSWER_NO = N_("No")
BACK = N_("Back")
START_AGAIN = N_("Start again")
STUCK = N_("I'm stuck - get help")
MORE_HELP = N_("More help")
TYPE_ANSWER = N_("Type your answer here")
OK = N_("OK")
PROGRESS = N_("Step {position} of about {estimate}")
IN_ENGLISH = N_("(in English)")
FINISHED = N_("Well done. You have finished.")
WHAT_NEXT = N_("What happens next")
CARRY_ON_AT_HOME = N_("Scan this code with a phone camera to carry on at home:")
ANOTHER_TASK = N_("Help with something else")
ALL_DONE = N_("I have finished")
HELP_SAVED = N_("Your request for help is saved. Your number is {ticket}.")
HELP_LOCAL_ONLY = N_(
    "This screen is not connected to the reception desk yet. Please go to reception and show this number."
)
HELP_NOT_SAVED = N_("Sorry, your request could not be saved. Please go to reception now.")
HELP_WAIT = N_("Please show this number at reception.")
STILL_THERE = N_("Are you still there?")
STILL_THERE_WIPE, STILL_THERE_WIPE_PLURAL = N_plural(
    "To keep your information private, this screen will clear in {n} second.",
    "To keep your information private, this screen will clear in {n} seconds.",
)
MORE_TIME = N_("I need more time")
TOO_SMALL = N_("This screen is too small. Please make the window bigger, or ask at reception.")
STAFF_PIN = N_("Staff only: enter the PIN to close dfhelper.")
WRONG_PIN = N_("That PIN is not right.")
CANCEL = N_("Cancel")
NO_PASSWORDS = N_("Never type a password here. Staff will never ask for one.")
