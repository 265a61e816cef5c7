from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from lokal import parse_nik
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from krs.fields import (
    EMPTY_CHOICE,
    MultiCheckboxField,
    PhoneField,
    RegionFields,
    WholeNumberField,
    check_nik,
    nik_problem,
    normalise_nik,
    normalise_phone,
)
from krs.models import Channel, Gender, GroupKind, Priority, ServiceType
from krs.outreach.members import read_paste


class SessionForm(RegionFields, FlaskForm):
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    held_on = DateField(_l("Tanggal"), validators=[InputRequired(message=_l("Isi tanggal sosialisasi."))])
    duration_minutes = WholeNumberField(
        _l("Durasi (menit)"),
        default=120,
        validators=[InputRequired(), NumberRange(min=15, max=12 * 60, message=_l("Durasi 15–720 menit."))],
    )
    place = StringField(_l("Tempat (mis. balai desa)"), validators=[DataRequired(), Length(max=200)])
    topic = StringField(_l("Topik"), validators=[DataRequired(), Length(max=200)])
    services = MultiCheckboxField(
        _l("Layanan yang disampaikan"),
        choices=ServiceType.choices(),
        validators=[DataRequired(message=_l("Pilih minimal satu jenis layanan."))],
    )
    staff_ids = MultiCheckboxField(
        _l("Petugas dan magang yang hadir"),
        coerce=int,
        validators=[DataRequired(message=_l("Pilih minimal satu petugas yang hadir."))],
    )
    participants_count = WholeNumberField(
        _l("Jumlah peserta (orang)"),
        validators=[InputRequired(), NumberRange(min=0, max=100000, message=_l("Isi angka 0–100.000."))],
    )
    households_count = WholeNumberField(
        _l("Jumlah rumah tangga"),
        validators=[InputRequired(), NumberRange(min=0, max=100000, message=_l("Isi angka 0–100.000."))],
    )
    attendee_niks = TextAreaField(
        _l("NIK rumah tangga yang hadir (satu per baris, boleh dikosongkan)"),
        validators=[Optional(), Length(max=40000)],
    )
    notes = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=5000)])

    # The edit form shows the recorded NIKs masked (DESIGN.md section 5): a masked line keeps the
    # recorded NIK it stands for, in the order they were shown. The view fills this in.
    masked_attendees: dict[str, list[str]] = {}

    def validate_attendee_niks(self, field):
        niks = []
        unused = {mask: list(full) for mask, full in self.masked_attendees.items()}
        for line_no, line in enumerate((field.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            if "•" in line:
                recorded = unused.get(line.strip())
                if not recorded:
                    raise ValidationError(
                        _l("Baris %(n)s: NIK tersamar tidak dikenali; tulis NIK lengkapnya.", n=line_no)
                    )
                niks.append(recorded.pop(0))
                continue
            nik = normalise_nik(line)
            problem = nik_problem(nik)
            if problem:
                raise ValidationError(_l("Baris %(n)s: %(problem)s", n=line_no, problem=problem))
            niks.append(nik)
        self.parsed_niks = list(dict.fromkeys(niks))

    def session_data(self) -> dict:
        return {
            "held_on": self.held_on.data,
            "duration_minutes": self.duration_minutes.data,
            "place": self.place.data.strip(),
            "topic": self.topic.data.strip(),
            "services": list(self.services.data or []),
            "participants_count": self.participants_count.data,
            "households_count": self.households_count.data,
            "notes": (self.notes.data or "").strip() or None,
            **self.region_data(),
        }

    def niks(self) -> list[str]:
        return getattr(self, "parsed_niks", [])


class SessionIntakeForm(FlaskForm):
    """The mini-intake on a session page: one household after another, the rest from the session."""

    nik = StringField(_l("NIK"), validators=[DataRequired(), Length(max=24)])
    name = StringField(_l("Nama"), validators=[DataRequired(), Length(max=150)])
    phone = PhoneField(_l("Nomor HP/WA"), validators=[Optional()])
    gender = SelectField(
        _l("Jenis kelamin"), choices=EMPTY_CHOICE + Gender.choices(), validators=[Optional()]
    )
    address = StringField(_l("Alamat (jalan, RT/RW)"), validators=[Optional(), Length(max=250)])
    service_types = MultiCheckboxField(
        _l("Jenis layanan"),
        choices=ServiceType.choices(),
        validators=[DataRequired(message=_l("Pilih minimal satu jenis layanan."))],
    )
    description = TextAreaField(_l("Uraian permohonan"), validators=[DataRequired(), Length(max=5000)])
    consent_given = BooleanField(
        _l("Pemohon menyetujui pemrosesan data pribadinya untuk layanan KRS (UU 27/2022 tentang PDP)"),
        validators=[DataRequired(message=_l("Persetujuan pemrosesan data pribadi wajib dicentang."))],
    )

    def validate_nik(self, field):
        check_nik(field)

    def applicant_data(self) -> dict:
        info = parse_nik(self.nik.data)
        data = {
            "kind": "individual",
            "nik": self.nik.data,
            "name": self.name.data.strip(),
            "phone": normalise_phone(self.phone.data),
            "gender": self.gender.data or info.gender or None,
            "address": (self.address.data or "").strip() or None,
            "consent_given": bool(self.consent_given.data),
        }
        if info.birth_date:
            data["birth_date"] = date.fromisoformat(info.birth_date)
        return data

    def case_data(self) -> dict:
        return {
            "service_types": list(self.service_types.data or []),
            "description": self.description.data.strip(),
            "priority": "normal",
        }


class GroupCaseForm(FlaskForm):
    """The request of a group: the same case fields as an individual's, without house data."""

    channel = SelectField(_l("Kanal"), choices=Channel.choices(), validators=[DataRequired()])
    priority = SelectField(_l("Prioritas"), choices=Priority.choices(), default="normal")
    service_types = MultiCheckboxField(
        _l("Jenis layanan"),
        choices=ServiceType.choices(),
        validators=[DataRequired(message=_l("Pilih minimal satu jenis layanan."))],
    )
    description = TextAreaField(_l("Uraian permohonan"), validators=[DataRequired(), Length(max=5000)])

    def case_data(self) -> dict:
        return {
            "channel": self.channel.data,
            "priority": self.priority.data or "normal",
            "service_types": list(self.service_types.data or []),
            "description": self.description.data.strip(),
        }


class GroupForm(RegionFields, GroupCaseForm):
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Nama kelompok"), validators=[DataRequired(), Length(max=150)])
    group_kind = SelectField(
        _l("Jenis kelompok"), choices=EMPTY_CHOICE + GroupKind.choices(), validators=[DataRequired()]
    )
    address = StringField(_l("Alamat sekretariat (jalan, RT/RW)"), validators=[Optional(), Length(max=250)])
    member_households = WholeNumberField(
        _l("Jumlah rumah tangga anggota"),
        validators=[InputRequired(), NumberRange(min=1, max=100000, message=_l("Isi angka 1–100.000."))],
    )
    contact_name = StringField(_l("Nama narahubung"), validators=[DataRequired(), Length(max=150)])
    contact_nik = StringField(_l("NIK narahubung"), validators=[DataRequired(), Length(max=24)])
    phone = PhoneField(_l("Nomor HP/WA narahubung"), validators=[DataRequired()])
    members = TextAreaField(
        _l(
            "Daftar anggota (opsional): satu per baris, nama dan NIK dipisah tab (tempel dari Excel), "
            "titik koma atau koma"
        ),
        validators=[Optional(), Length(max=40000)],
    )
    consent_given = BooleanField(
        _l("Narahubung menyetujui pemrosesan data pribadi kelompok dan dirinya (UU 27/2022 tentang PDP)"),
        validators=[DataRequired(message=_l("Persetujuan pemrosesan data pribadi wajib dicentang."))],
    )

    def validate_contact_nik(self, field):
        check_nik(field)

    def validate_members(self, field):
        lines = read_paste(field.data or "")
        for line in lines:
            if line.error:
                raise ValidationError(_l("Baris %(n)s: %(problem)s", n=line.line_no, problem=line.error))
        self.parsed_members = [(line.name, line.nik) for line in lines if line.ok]

    def group_data(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "group_kind": self.group_kind.data,
            "address": (self.address.data or "").strip() or None,
            "member_households": self.member_households.data,
            "contact_name": self.contact_name.data.strip(),
            "contact_nik": self.contact_nik.data,
            "phone": normalise_phone(self.phone.data),
            "consent_given": bool(self.consent_given.data),
            **self.region_data(),
        }

    def member_list(self) -> list[tuple[str, str | None]]:
        return getattr(self, "parsed_members", [])


class MemberForm(FlaskForm):
    name = StringField(_l("Nama anggota"), validators=[DataRequired(), Length(max=150)])
    nik = StringField(_l("NIK (opsional)"), validators=[Optional(), Length(max=24)])

    def validate_nik(self, field):
        if field.data:
            check_nik(field)


class MemberPasteForm(FlaskForm):
    members = TextAreaField(
        _l(
            "Tempel daftar anggota: satu per baris, nama dan NIK dipisah tab (dari Excel), "
            "titik koma atau koma"
        ),
        validators=[DataRequired(message=_l("Tempel minimal satu baris.")), Length(max=40000)],
    )


class MemberEditForm(FlaskForm):
    name = StringField(_l("Nama anggota"), validators=[DataRequired(), Length(max=150)])
    nik = StringField(_l("NIK baru"), validators=[Optional(), Length(max=24)])
    clear_nik = BooleanField(_l("Hapus NIK anggota ini"))

    def validate_nik(self, field):
        if field.data:
            check_nik(field)


class PhotoForm(FlaskForm):
    photo = FileField(_l("Foto kegiatan (JPG/PNG/WebP, maks. 10 MB)"))
