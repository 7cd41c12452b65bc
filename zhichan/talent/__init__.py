"""The IP talent and expert library (知识产权人才库、专家库): people by kind, technical field and area, admitted
through the ``talent.registration`` procedure or entered by a bureau, shared with enterprises as each person
consents, and drawn for panels."""
